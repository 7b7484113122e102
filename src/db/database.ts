import type { Config } from '../config/schema.ts';
import type { Logger } from '../core/logger.ts';
import { APP_ROLE, appRolePassword, ensureAppRole } from './app-role.ts';
import { startEmbeddedPostgres } from './embedded.ts';
import { migrate } from './migrate.ts';
import { createPool, type Pool } from './pool.ts';

/**
 * The two ways Plexus talks to PostgreSQL:
 * - `app`: the `plexus_app` role, never superuser nor BYPASSRLS. Every tenant read and write
 *   goes through it inside `withOrgTx`, so row-level security always applies.
 * - `owner`: the schema owner. Migrations, the job queue's internals, worker heartbeats and
 *   the few system scans that span orgs (token refresh, key rotation) use it.
 */
export interface Database {
  owner: Pool;
  app: Pool;
  ownerUrl: string;
  appUrl: string;
  embedded: boolean;
  close(): Promise<void>;
}

export async function openDatabase(config: Config, log: Logger, opts: { migrate?: boolean } = {}): Promise<Database> {
  let ownerUrl = config.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!ownerUrl) {
    const t0 = Date.now();
    const emb = await startEmbeddedPostgres({ dataDir: config.dataDir, preferredPort: config.embeddedPgPort, log });
    log.info({ port: emb.port, ms: Date.now() - t0 }, 'embedded PostgreSQL started');
    ownerUrl = emb.url;
    stopEmbedded = emb.stop;
  }
  // graphile-worker runs on the owner pool: one connection per concurrent job plus its own bookkeeping.
  const owner = createPool(ownerUrl, { max: config.worker.concurrency + 4, name: 'plexus-owner' });
  try {
    if (opts.migrate !== false) {
      const { applied } = await migrate(owner);
      if (applied.length) log.info({ applied }, 'migrations applied');
    }
    const appUrl =
      config.appDatabaseUrl ?? (await ensureAppRole(owner, ownerUrl, appRolePassword(ownerUrl, config.appDbPassword)));
    const app = createPool(appUrl, { max: config.dbPoolMax, name: APP_ROLE });
    return {
      owner,
      app,
      ownerUrl,
      appUrl,
      embedded: !!stopEmbedded,
      async close() {
        await app.end().catch(() => undefined);
        await owner.end().catch(() => undefined);
        if (stopEmbedded) await stopEmbedded();
      },
    };
  } catch (err) {
    await owner.end().catch(() => undefined);
    if (stopEmbedded) await stopEmbedded();
    throw err;
  }
}
