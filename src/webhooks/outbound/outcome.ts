import type { SendResult } from './sender.ts';
import { parseRetryAfter } from './schedule.ts';

/** What an attempt means for the delivery: done, endpoint gone for good, or try again. */
export type AttemptOutcome =
  { kind: 'succeeded' } | { kind: 'gone' } | { kind: 'failed'; retryAfterMs: number | undefined };

/**
 * Any 2xx is success. 410 Gone is the receiver saying "never again" (Standard Webhooks): the
 * endpoint is disabled. Everything else, redirects and transport failures included, is
 * retried; a Retry-After on the answer may push the retry back.
 */
export function classifyAttempt(result: SendResult, now: Date): AttemptOutcome {
  if (result.kind === 'error') return { kind: 'failed', retryAfterMs: undefined };
  if (result.status >= 200 && result.status < 300) return { kind: 'succeeded' };
  if (result.status === 410) return { kind: 'gone' };
  return { kind: 'failed', retryAfterMs: parseRetryAfter(result.headers['retry-after'], now) };
}
