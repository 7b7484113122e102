/**
 * When a failed delivery is tried again: the delay after attempt n is `schedule[n - 1]`, and
 * once the list is used up the delivery has failed for good. The default is the Standard
 * Webhooks reference schedule: 8 attempts spread over about 27.6 hours, so a receiver that is
 * down for a night still gets everything.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** A receiver's Retry-After is honoured up to this long; beyond it our own schedule applies. */
export const MAX_RETRY_AFTER_MS = 12 * 3_600_000;

export interface RetryPolicy {
  schedule: readonly number[];
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  schedule: DEFAULT_RETRY_SCHEDULE_MS,
  maxRetryAfterMs: MAX_RETRY_AFTER_MS,
};

/**
 * The delay before the next attempt after `attempts` attempts have failed, or undefined when
 * the schedule is exhausted. A Retry-After never brings the retry forward (the schedule is
 * also our protection of the receiver); it only pushes it back, up to the cap.
 */
export function nextRetryDelayMs(attempts: number, policy: RetryPolicy, retryAfterMs?: number): number | undefined {
  const scheduled = policy.schedule[attempts - 1];
  if (scheduled === undefined) return undefined;
  return retryAfterMs === undefined ? scheduled : Math.max(scheduled, Math.min(retryAfterMs, policy.maxRetryAfterMs));
}

/** Retry-After as delta-seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
