import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { runRefreshCluster } from '../helpers/refresh-cluster.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext();
});
after(() => ctx.close());

test(
  '4 Plexus processes, 1,000 connections expiring within a minute, rotating refresh tokens: each refreshed exactly once, all healthy',
  { timeout: 180_000 },
  async () => {
    const r = await runRefreshCluster({
      db: ctx.db,
      keyring: ctx.keyring,
      masterKey: ctx.config.masterKey!,
      connections: 1000,
      processes: 4,
    });
    ctx.log.info(r, 'refresh cluster');
    assert.equal(r.refreshed, 1000, JSON.stringify(r));
    assert.equal(r.duplicates, 0, JSON.stringify(r));
    assert.equal(r.platformRefreshes, 1000);
    assert.equal(r.unhealthy, 0);
  },
);
