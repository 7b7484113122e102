import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../helpers/db.ts';
import { testConfig } from '../helpers/app.ts';
import type { Database } from '../../src/db/database.ts';
import { exited, spawnTs } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait.ts';

let db: Database;
before(async () => {
  db = await createTestDatabase();
});
after(() => db.close());

test(
  'the first `plexus api` on an empty external database creates no organisation and prints no key',
  { timeout: 120_000 },
  async () => {
    assert.equal((await db.owner.query('select count(*)::int as n from orgs')).rows[0].n, 0);
    const api = spawnTs(
      'src/main.ts',
      {
        DATABASE_URL: db.ownerUrl,
        PLEXUS_MASTER_KEY: testConfig().masterKey!,
        PORT: '0',
        LOG_LEVEL: 'info',
        PLEXUS_DEMO: '',
      },
      ['api'],
    );
    try {
      await waitFor(async () => /Plexus is running at (\S+)/.exec(api.output())?.[1], 'API to start', 60_000);
      assert.ok(!/API key|plx_/.test(api.output()), `no key printed:\n${api.output()}`);
      assert.equal(
        (await db.owner.query('select count(*)::int as n from orgs')).rows[0].n,
        0,
        'no organisation made by itself',
      );
    } finally {
      api.kill('SIGTERM');
      await exited(api);
    }
  },
);
