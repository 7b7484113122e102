import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import { loadConfig, type Config } from '../../src/config/schema.ts';
import { systemClock, type Clock } from '../../src/core/clock.ts';
import { createLogger, type Logger } from '../../src/core/logger.ts';
import type { Database } from '../../src/db/database.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { createOrg } from '../../src/tenancy/orgs.ts';
import { createProviderRuntime } from '../../src/providers/runtime.ts';
import type { ProviderRuntime } from '../../src/providers/context.ts';
import type { ProviderApps } from '../../src/providers/apps.ts';
import { keyringFromEnv, type Keyring } from '../../src/vault/keyring.ts';
import { withOrgKeys } from '../../src/vault/org-keys.ts';
import { createTestDatabase } from './db.ts';

/** Log lines captured in memory, so tests can assert on them (and scan them for secrets). */
export function captureLogger(level = 'debug'): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const dest = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  return { log: createLogger({ level, name: 'plexus-test', destination: dest }), lines };
}

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    PLEXUS_MASTER_KEY: randomBytes(32).toString('base64'),
    PLEXUS_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    LOG_LEVEL: 'debug',
    PLEXUS_HEARTBEAT_MS: '200',
    PLEXUS_WORKER_STALE_MS: '1500',
    PLEXUS_WORKER_POLL_MS: '100',
    ...overrides,
  });
}

export interface TestContext {
  db: Database;
  app: FastifyInstance;
  config: Config;
  keyring: Keyring;
  log: Logger;
  logLines: string[];
  clock: Clock;
  providers: ProviderRuntime;
  /** Answers that did not match the OpenAPI document; close() fails when there are any. */
  responseViolations: string[];
  /** Listens on a loopback port (for flows a real browser-like client follows); returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function createTestContext(
  opts: { config?: Record<string, string>; env?: Record<string, string>; apps?: ProviderApps; clock?: Clock } = {},
): Promise<TestContext> {
  const config = testConfig(opts.config);
  const { log, lines } = captureLogger();
  const db = await createTestDatabase();
  const keyring = withOrgKeys(keyringFromEnv(config.masterKey!), db.owner);
  const clock = opts.clock ?? systemClock;
  const providers = createProviderRuntime(
    clock,
    { PLEXUS_SSRF_ALLOW_HOSTS: '127.0.0.1:*,localhost:*,*.myshopify.com:*', ...opts.env },
    opts.apps,
  );
  let publicUrl = 'http://plexus.test';
  providers.callbackBaseUrl = () => publicUrl;
  // Every answer of every test is checked against the OpenAPI document (see close()).
  const responseViolations: string[] = [];
  const app = await buildApp({
    config,
    db,
    keyring,
    log,
    clock,
    metrics: createMetrics(db),
    providers,
    ssrf: providers.ssrf,
    publicUrl: () => publicUrl,
    responseViolations,
  });
  await app.ready();
  return {
    db,
    app,
    config,
    keyring,
    log,
    logLines: lines,
    clock,
    providers,
    async listen() {
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      publicUrl = address;
      return address;
    },
    responseViolations,
    async close() {
      await app.close();
      await providers.close();
      await db.close();
      if (responseViolations.length)
        throw new Error(
          `Answers that do not match the OpenAPI document:\n${[...new Set(responseViolations)].join('\n')}`,
        );
    },
  };
}

export async function newOrg(ctx: { db: Database }, name = 'Org'): Promise<{ id: string; key: string }> {
  const { org, apiKey } = await createOrg(ctx.db.owner, name);
  return { id: org.id, key: apiKey };
}

export const auth = (key: string) => ({ authorization: `Bearer ${key}` });
