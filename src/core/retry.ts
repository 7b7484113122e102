/**
 * Exponential backoff with full jitter (delay drawn uniformly from [base/2, base]), capped.
 * Half-jitter keeps retries spread out without ever retrying immediately.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  factor?: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 2_000, maxMs: 6 * 60 * 60 * 1000, factor: 2 };

export function backoffDelayMs(
  attempt: number,
  opts: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const factor = opts.factor ?? 2;
  const ceiling = Math.min(opts.maxMs, opts.baseMs * factor ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
