import { after, before } from 'node:test';
import { systemClock } from '../../src/core/clock.ts';
import { startWorker, type WorkerHandle } from '../../src/jobs/runtime.ts';
import { allTasks } from '../../src/jobs/tasks/index.ts';
import { syncContent } from '../../src/sync/content/poll.ts';
import { auth, createTestContext, newOrg, type TestContext } from './app.ts';
import type { CmsSite } from './cms-fixture.ts';
import { waitFor } from './wait.ts';

/**
 * A Plexus with a worker, an org and a connection to one CMS site, for content tests through
 * the API. Its functions are closures over the hub, so tests may take them apart.
 */
export interface ContentHub<S extends CmsSite = CmsSite> {
  site: S;
  ctx: TestContext;
  org: { id: string; key: string };
  conn: string;
  api: (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) => Promise<{ status: number; body: any }>;
  /** The connection's content sync, as the schedule or a webhook would run it. */
  sync: () => ReturnType<typeof syncContent>;
  /** Waits until no publish, sync (item or connection) or rollback job is left to run. */
  idle: (timeoutMs?: number) => Promise<unknown>;
  /** Lets a second pass on the site's clock between a write and an editor's (CmsSite.nextSecond). */
  nextSecond: () => Promise<void>;
}

/** Registers the hooks that start and stop the hub around the current file or suite. */
export function contentHub<S extends CmsSite>(start: () => Promise<S>): ContentHub<S> {
  let worker: WorkerHandle | undefined;
  const hub = {
    async api(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) {
      const res = await hub.ctx.app.inject({
        method,
        url,
        headers: auth(hub.org.key),
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      return { status: res.statusCode, body: res.json() };
    },
    sync: () =>
      syncContent(
        { ...hub.ctx.providers, db: hub.ctx.db, keyring: hub.ctx.keyring, log: hub.ctx.log },
        hub.org.id,
        hub.conn,
      ),
    idle: (timeoutMs = 60_000) =>
      waitFor(
        async () =>
          (
            await hub.ctx.db.owner.query(
              "select count(*)::int as n from graphile_worker.jobs where task_identifier in ('publish_batch', 'sync_content', 'sync_connection', 'rollback_batch') and attempts < max_attempts",
            )
          ).rows[0].n === 0,
        'the queue to drain',
        timeoutMs,
      ),
    nextSecond: () => hub.site.nextSecond(),
  } as ContentHub<S>;
  before(async () => {
    hub.site = await start();
    hub.ctx = await createTestContext({ env: hub.site.env });
    hub.org = await newOrg(hub.ctx);
    hub.conn = await hub.site.connect(hub.ctx, hub.org.id);
    // The tests run this connection's syncs themselves (sync()). Left on its schedule, the new
    // connection (never synced) gets a scheduled sync at the next minute, which writes the hub's
    // version to the site at whatever point a test has reached (between a hub edit and a dry run).
    await hub.ctx.db.owner.query('update connections set sync_interval_minutes = 0 where id = $1', [hub.conn]);
    worker = await startWorker({
      db: hub.ctx.db,
      keyring: hub.ctx.keyring,
      log: hub.ctx.log,
      clock: systemClock,
      tasks: allTasks,
      ...hub.ctx.config.worker,
      providers: hub.ctx.providers,
    });
  });
  after(async () => {
    await worker?.stop();
    await hub.ctx?.close();
    await hub.site?.close();
  });
  return hub;
}
