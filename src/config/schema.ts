import path from 'node:path';
import { z } from 'zod';
import { keyringFromEnv } from '../vault/keyring.ts';

/**
 * Every environment variable Plexus reads, parsed once at boot. A bad value is reported
 * together with every other bad value, never one at a time.
 */
const intFrom = (def: number) => z.coerce.number().int().nonnegative().default(def);
const portFrom = (def: number) =>
  z.coerce.number().int().min(0).max(65535, { message: 'must be a TCP port (0-65535, 0: any free port)' }).default(def);

/** `name`, `name:port`, `name:*` (any port, as security/ssrf.ts allows) or `*.suffix`, comma-separated. */
const hostEntry = /^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:(\d{1,5}|\*))?$|^\[[0-9a-f:.]+\](:(\d{1,5}|\*))?$/i;

/**
 * `PLEXUS_<ID>_REQUESTS_PER_MINUTE`: an operator's rate for one platform, read by the provider as
 * an app extra. Matched by name so that configuration needs no list of providers.
 */
const ratePerMinute = /^PLEXUS_[A-Z0-9_]+_REQUESTS_PER_MINUTE$/;

export const envSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  PLEXUS_APP_DATABASE_URL: z.string().url().optional(),
  PLEXUS_APP_DB_PASSWORD: z.string().min(16).optional(),
  PLEXUS_DATA_DIR: z.string().default('.plexus'),
  PLEXUS_PG_PORT: portFrom(54329),
  HOST: z.string().default('127.0.0.1'),
  PORT: portFrom(3000),
  PLEXUS_PUBLIC_URL: z.string().url().optional(),
  PLEXUS_MASTER_KEY: z
    .string()
    .refine(
      (v) => {
        try {
          keyringFromEnv(v);
          return true;
        } catch {
          return false;
        }
      },
      {
        message:
          'must be a 32-byte key (64 hex characters or base64), or a comma-separated list of id:key whose first is the primary',
      },
    )
    .optional(),
  PLEXUS_ADMIN_TOKEN: z.string().min(24).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PLEXUS_WORKER_CONCURRENCY: intFrom(8),
  PLEXUS_WORKER_POLL_MS: intFrom(1000),
  PLEXUS_HEARTBEAT_MS: intFrom(5000),
  PLEXUS_WORKER_STALE_MS: intFrom(30_000),
  PLEXUS_JOB_MAX_ATTEMPTS: intFrom(12),
  PLEXUS_SYNC_CONCURRENCY: intFrom(0),
  PLEXUS_SHUTDOWN_GRACE_MS: intFrom(20_000),
  PLEXUS_BODY_LIMIT: intFrom(1024 * 1024),
  PLEXUS_API_RATE_LIMIT: intFrom(1200),
  PLEXUS_DB_POOL_MAX: intFrom(10),
  PLEXUS_DEMO: z.enum(['0', '1'], { message: 'must be 1 (on) or 0 (off)' }).optional(),
  PLEXUS_SYNC_INTERVAL_MINUTES: intFrom(360),
  PLEXUS_CREATE_SETTLE_MS: intFrom(40_000),
  PLEXUS_REFRESH_LEASE_MS: intFrom(60_000),
  PLEXUS_REFRESH_SETTLE_MS: intFrom(120_000),
  PLEXUS_SSRF_ALLOW_HOSTS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean),
    )
    .refine((hosts) => hosts.every((h) => hostEntry.test(h)), {
      message: 'each entry must be a host name, host:port, host:* or *.suffix',
    })
    .default([]),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  /** Set when an external PostgreSQL is used; absent means the embedded server. */
  databaseUrl: string | undefined;
  appDatabaseUrl: string | undefined;
  appDbPassword: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  host: string;
  port: number;
  publicUrl: string | undefined;
  masterKey: string | undefined;
  adminToken: string | undefined;
  logLevel: Env['LOG_LEVEL'];
  worker: {
    concurrency: number;
    /** Slots of the separate pool that runs syncs, so syncs and inbound processing cannot starve each other. */
    syncConcurrency: number;
    pollIntervalMs: number;
    heartbeatMs: number;
    staleAfterMs: number;
    maxAttempts: number;
    /** On SIGTERM, how long running jobs may finish before they are released to other workers. */
    shutdownGraceMs: number;
  };
  http: { bodyLimit: number; rateLimitPerMinute: number };
  dbPoolMax: number;
  /** `true`/`false` when PLEXUS_DEMO says so; undefined leaves it to the role and database. */
  demo: boolean | undefined;
  ssrfAllowHosts: string[];
  engine: EngineSettings;
}

/** Settings read deep in the engine rather than handed down from boot. */
export interface EngineSettings {
  /** Default interval of scheduled syncs (0: no scheduled syncs). */
  syncIntervalMinutes: number;
  /** How long a create in flight before a crash may still land at the site. */
  createSettleMs: number;
  /** How long one token refresh may hold its connection before another process may take over. */
  refreshLeaseMs: number;
  /** How long a refresh sent by another holder may still come back before its token is tried again. */
  refreshSettleMs: number;
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The variables `schema` reads, parsed, or a ConfigError naming every bad one. An empty variable
 * means unset (`DATABASE_URL= npm start`), as in most shells' intent. Values are never echoed:
 * some of these variables are secrets.
 */
function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return parsed.data;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Each PLEXUS_<ID>_REQUESTS_PER_MINUTE that is set must be a positive whole number.
  const rates = Object.keys(env).filter((k) => ratePerMinute.test(k) && env[k]);
  const schema = envSchema.extend(Object.fromEntries(rates.map((k) => [k, z.coerce.number().int().positive()])));
  const e = parseEnv(schema, env) as z.infer<typeof envSchema> & Record<string, unknown>;
  const issues: string[] = [];
  if (e.DATABASE_URL && !e.PLEXUS_MASTER_KEY) {
    issues.push('PLEXUS_MASTER_KEY: required with DATABASE_URL (the demo key file is only for the embedded database)');
  }
  if (issues.length) throw new ConfigError(issues);
  return {
    databaseUrl: e.DATABASE_URL,
    appDatabaseUrl: e.PLEXUS_APP_DATABASE_URL,
    appDbPassword: e.PLEXUS_APP_DB_PASSWORD,
    dataDir: path.resolve(e.PLEXUS_DATA_DIR),
    embeddedPgPort: e.PLEXUS_PG_PORT,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PLEXUS_PUBLIC_URL,
    masterKey: e.PLEXUS_MASTER_KEY,
    adminToken: e.PLEXUS_ADMIN_TOKEN,
    logLevel: e.LOG_LEVEL,
    worker: {
      concurrency: Math.max(1, e.PLEXUS_WORKER_CONCURRENCY),
      syncConcurrency:
        e.PLEXUS_SYNC_CONCURRENCY > 0
          ? e.PLEXUS_SYNC_CONCURRENCY
          : Math.max(1, Math.floor(e.PLEXUS_WORKER_CONCURRENCY / 2)),
      pollIntervalMs: Math.max(50, e.PLEXUS_WORKER_POLL_MS),
      heartbeatMs: Math.max(100, e.PLEXUS_HEARTBEAT_MS),
      staleAfterMs: Math.max(500, e.PLEXUS_WORKER_STALE_MS),
      maxAttempts: Math.max(1, e.PLEXUS_JOB_MAX_ATTEMPTS),
      shutdownGraceMs: e.PLEXUS_SHUTDOWN_GRACE_MS,
    },
    http: { bodyLimit: e.PLEXUS_BODY_LIMIT, rateLimitPerMinute: e.PLEXUS_API_RATE_LIMIT },
    dbPoolMax: Math.max(2, e.PLEXUS_DB_POOL_MAX),
    demo: e.PLEXUS_DEMO === undefined ? undefined : e.PLEXUS_DEMO === '1',
    ssrfAllowHosts: e.PLEXUS_SSRF_ALLOW_HOSTS,
    engine: engineFrom(e),
  };
}

const engineSchema = envSchema.pick({
  PLEXUS_SYNC_INTERVAL_MINUTES: true,
  PLEXUS_CREATE_SETTLE_MS: true,
  PLEXUS_REFRESH_LEASE_MS: true,
  PLEXUS_REFRESH_SETTLE_MS: true,
});

/**
 * The engine settings from the environment as it is now, parsed by the same schema (boot has
 * already refused bad values, so this only fails for a variable changed after start).
 */
export function engineSettings(env: NodeJS.ProcessEnv = process.env): EngineSettings {
  return engineFrom(parseEnv(engineSchema, env));
}

function engineFrom(e: z.infer<typeof engineSchema>): EngineSettings {
  return {
    syncIntervalMinutes: e.PLEXUS_SYNC_INTERVAL_MINUTES,
    createSettleMs: e.PLEXUS_CREATE_SETTLE_MS,
    refreshLeaseMs: Math.max(1000, e.PLEXUS_REFRESH_LEASE_MS),
    refreshSettleMs: e.PLEXUS_REFRESH_SETTLE_MS,
  };
}
