import type { Database } from '../db/database.ts';
import { loadMigrations } from '../db/migrate.ts';
import { freshestHeartbeatAge } from '../jobs/heartbeat.ts';

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: {
    database: { ok: boolean; error?: string };
    migrations: { ok: boolean; applied?: number; expected: number };
    worker: { ok: boolean; heartbeat_age_seconds: number | null };
  };
}

let expectedMigrations: number | undefined;

/** A health check answers within this even when the database hangs: an outage shows at once. */
const HEALTH_TIMEOUT_MS = 2_000;

/**
 * Healthy means: the database answers, every migration this code knows is applied, and some
 * worker process (this one or another) sent a heartbeat within the stale window.
 */
export async function checkHealth(db: Database, staleAfterMs: number): Promise<HealthReport> {
  expectedMigrations ??= (await loadMigrations()).length;
  const report: HealthReport = {
    status: 'ok',
    checks: {
      database: { ok: false },
      migrations: { ok: false, expected: expectedMigrations },
      worker: { ok: false, heartbeat_age_seconds: null },
    },
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
  });
  try {
    const { rows } = await Promise.race([
      db.owner.query<{ n: number }>('select count(*)::int as n from plexus_migrations'),
      timeout,
    ]);
    report.checks.database.ok = true;
    report.checks.migrations.applied = rows[0]?.n ?? 0;
    report.checks.migrations.ok = rows[0]?.n === expectedMigrations;
    const age = await Promise.race([freshestHeartbeatAge(db.owner), timeout]);
    report.checks.worker = {
      ok: age !== null && age * 1000 < staleAfterMs,
      heartbeat_age_seconds: age === null ? null : Math.round(age * 10) / 10,
    };
  } catch (err) {
    report.checks.database.error = err instanceof Error ? err.message.slice(0, 200) : 'unreachable';
  } finally {
    clearTimeout(timer);
  }
  if (!report.checks.database.ok || !report.checks.migrations.ok || !report.checks.worker.ok)
    report.status = 'degraded';
  return report;
}
