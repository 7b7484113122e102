import { loadConfig, type Config } from '../config/schema.ts';
import { systemClock } from '../core/clock.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { openKeyring, type Keyring } from '../vault/index.ts';
import { withOrgKeys } from '../vault/org-keys.ts';

export interface Runtime {
  config: Config;
  log: Logger;
  db: Database;
  /** Master keys plus the per-org keys that wrap every tenant secret. */
  keyring: Keyring;
  /** The master keys alone (demo mode: the key file). */
  masterKeyring: Keyring;
}

/** Config, logger, database (migrated) and keyring: what every command starts from. */
export async function openRuntime(name: string): Promise<Runtime> {
  const config = loadConfig();
  const log = createLogger({ level: config.logLevel, name });
  const keyring = await openKeyring(config);
  const db = await openDatabase(config, log);
  return { config, log, db, keyring: withOrgKeys(keyring, db.owner), masterKeyring: keyring };
}

export { systemClock };

/** Runs `stop` once on SIGINT/SIGTERM, then exits; a second signal exits at once. */
export function onShutdown(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    log.info({ signal }, 'shutting down');
    stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
