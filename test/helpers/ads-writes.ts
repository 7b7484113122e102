import type { LightMyRequestResponse } from 'fastify';
import { runAdsSync, type SyncOptions, type SyncResult } from '../../src/sync/ads/engine.ts';
import type { AdsSyncAdapter } from '../../src/providers/contracts/ads.ts';
import type { DecryptedCredentials } from '../../src/vault/credentials.ts';
import { auth, createTestContext, newOrg, type TestContext } from './app.ts';
import { seedConnection } from './connections.ts';

/** The columns `stored` reads unless a test asks for others. */
export const ENTITY_COLUMNS =
  'name, status, platform_status, daily_budget_micros::text as daily, lifetime_budget_micros::text as lifetime, start_at, end_at, deleted_at';

export interface AdsWritesSetup {
  /** Environment for createTestContext: the platform app's credentials and its sandbox URL. */
  env: Record<string, string>;
  provider: string;
  credentials: DecryptedCredentials;
  connection?: Parameters<typeof seedConnection>[5];
  adapter: AdsSyncAdapter;
  /** The first sync's reason and options. */
  firstSync?: { reason?: string; options?: SyncOptions };
  /** What `stored` selects (default ENTITY_COLUMNS). */
  columns?: string;
}

/**
 * The set-up the ads write tests share: a test context with one platform configured, an org,
 * a connection as a finished connect flow leaves it, and a first sync (writes go to accounts
 * the unified model knows). Made before the hooks run, opened in `before`: the functions it
 * hands out can be taken apart at the top of a test file (closures, declared as function
 * properties rather than methods so that taking them apart is typed as safe).
 */
export interface AdsWrites {
  open: (setup: AdsWritesSetup) => Promise<void>;
  close: () => Promise<void>;
  readonly ctx: TestContext;
  readonly org: { id: string; key: string };
  /** The connection's id. */
  readonly conn: string;
  /** A call to the unified API as the org. */
  inj: (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => Promise<LightMyRequestResponse>;
  /** The unified API's id of a platform entity on the connection. */
  unifiedId: (level: string, platformId: string) => string;
  /** The entity's row in ad_entities (the set-up's columns), or undefined. */
  stored: (level: string, platformId: string) => Promise<any>;
  /** Another sync of the connection with the set-up's adapter. */
  sync: (reason: string, options?: SyncOptions) => Promise<SyncResult>;
}

export function adsWrites(): AdsWrites {
  // The context is kept apart so that `close` releases it even when the rest of `open` failed.
  let context: TestContext | undefined;
  let state: { ctx: TestContext; org: { id: string; key: string }; conn: string; setup: AdsWritesSetup } | undefined;
  const opened = () => {
    if (!state) throw new Error('adsWrites: open() it in before()');
    return state;
  };
  const deps = (ctx: TestContext) => ({ ...ctx.providers, db: ctx.db, keyring: ctx.keyring, log: ctx.log });
  return {
    async open(setup) {
      const ctx = (context = await createTestContext({ env: setup.env }));
      const org = await newOrg(ctx);
      const conn = await seedConnection(
        ctx.db,
        ctx.keyring,
        org.id,
        setup.provider,
        setup.credentials,
        setup.connection,
      );
      state = { ctx, org, conn, setup };
      await runAdsSync(
        deps(ctx),
        org.id,
        conn,
        setup.adapter,
        setup.firstSync?.reason ?? 'test',
        setup.firstSync?.options,
      );
    },
    async close() {
      await context?.close();
    },
    get ctx() {
      return opened().ctx;
    },
    get org() {
      return opened().org;
    },
    get conn() {
      return opened().conn;
    },
    inj(method, url, payload) {
      const { ctx, org } = opened();
      return ctx.app.inject({ method, url, headers: auth(org.key), ...(payload ? { payload } : {}) });
    },
    unifiedId(level, platformId) {
      return Buffer.from(`${opened().conn}|${level}|${platformId}`).toString('base64url');
    },
    async stored(level, platformId) {
      const { ctx, conn, setup } = opened();
      const sql = `select ${setup.columns ?? ENTITY_COLUMNS} from ad_entities where connection_id = $1 and level = $2 and platform_id = $3`;
      return (await ctx.db.owner.query(sql, [conn, level, platformId])).rows[0];
    },
    sync(reason, options) {
      const { ctx, org, conn, setup } = opened();
      return runAdsSync(deps(ctx), org.id, conn, setup.adapter, reason, options);
    },
  };
}
