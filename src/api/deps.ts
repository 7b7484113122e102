import type { Config } from '../config/schema.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { Database } from '../db/database.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { ProviderRuntime } from '../providers/context.ts';
import type { SsrfPolicy } from '../security/ssrf.ts';
import type { Keyring } from '../vault/keyring.ts';

/** What routes need; passed explicitly so tests can build the app with their own pieces. */
export interface AppDeps {
  config: Config;
  db: Database;
  keyring: Keyring;
  log: Logger;
  clock: Clock;
  metrics: Metrics;
  providers: ProviderRuntime;
  ssrf: SsrfPolicy;
  /** The externally visible base URL (known after listen when the port is chosen at start). */
  publicUrl: () => string;
  /** Tests: every answer is checked against the OpenAPI document; what does not match is added here. */
  responseViolations?: string[];
}
