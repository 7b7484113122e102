import type { Logger } from '../core/logger.ts';

// Errors that mean "the database is not reachable right now", not "this query is wrong":
// refused or reset sockets, the server shutting down or starting up, connection failures.
const CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
const MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection|the database system is (starting up|shutting down|in recovery)|Client was closed and is not queryable|Cannot use a pool after calling end/i;

/** True when `err` (or what it wraps) says the database connection failed. */
export function isConnectionError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && CODES.has(e.code)) return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isConnectionError(x, depth + 1))) return true;
  return isConnectionError(e.cause, depth + 1);
}

let guarded = false;

/**
 * graphile-worker 0.17 completes and fails jobs without awaiting the promise (worker.js
 * `completeJob(job)`), so a database outage at that moment is an unhandled rejection, which
 * ends a Node process. Those rejections are logged and absorbed here; the job they concern
 * stays locked by this live process and the heartbeat releases it once the database is back
 * (heartbeat.ts). Any other unhandled rejection still ends the process as Node would.
 */
export function guardDatabaseRejections(log: Logger): void {
  if (guarded) return;
  guarded = true;
  process.on('unhandledRejection', (reason) => {
    if (isConnectionError(reason)) {
      log.warn(
        { err: reason instanceof Error ? reason.message : String(reason) },
        'database unreachable; work resumes when it is back',
      );
      return;
    }
    process.nextTick(() => {
      throw reason;
    });
  });
}
