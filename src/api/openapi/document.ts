import { randomBytes } from 'node:crypto';
import { buildApp } from '../app.ts';
import { loadConfig } from '../../config/schema.ts';
import { systemClock } from '../../core/clock.ts';
import { createLogger } from '../../core/logger.ts';
import type { Database } from '../../db/database.ts';
import { createPool } from '../../db/pool.ts';
import { createMetrics } from '../../observability/metrics.ts';
import { createProviderRuntime } from '../../providers/runtime.ts';
import { keyringFromEnv } from '../../vault/keyring.ts';
import { type Document, openApi31 } from './openapi31.ts';

/**
 * The OpenAPI document exactly as the app serves it at /openapi.json, built without a server
 * or a database: the app is assembled with pools that never connect (nothing queries before
 * a request arrives). Used by the SDK generator and its CI check.
 */
export async function buildOpenApiDocument(): Promise<Document> {
  const config = loadConfig({
    PLEXUS_MASTER_KEY: randomBytes(32).toString('base64'),
    PLEXUS_ADMIN_TOKEN: 'document-only-admin-token',
    LOG_LEVEL: 'silent',
  });
  const log = createLogger({ level: 'silent', name: 'plexus-openapi' });
  const unused = 'postgres://document-only@127.0.0.1:1/none';
  const db: Database = {
    owner: createPool(unused),
    app: createPool(unused),
    ownerUrl: unused,
    appUrl: unused,
    embedded: false,
    close: () => Promise.resolve(),
  };
  const providers = createProviderRuntime(systemClock, {});
  const app = await buildApp({
    config,
    db,
    keyring: keyringFromEnv(config.masterKey!),
    log,
    clock: systemClock,
    metrics: createMetrics(db),
    providers,
    ssrf: providers.ssrf,
    publicUrl: () => 'http://127.0.0.1:3000',
  });
  try {
    await app.ready();
    return openApi31(app.swagger());
  } finally {
    await app.close();
    await providers.close();
    await db.owner.end();
    await db.app.end();
  }
}
