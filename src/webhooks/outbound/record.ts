import type { Queryable } from '../../db/pool.ts';
import { enqueueDelivery, FINISHED, getDelivery, type DeliveryStatus } from './deliveries.ts';
import { disableEndpoint, shouldDisable } from './disable.ts';
import type { AttemptOutcome } from './outcome.ts';
import { nextRetryDelayMs, type RetryPolicy } from './schedule.ts';

export interface AttemptResult {
  orgId: string;
  deliveryId: string;
  endpointId: string;
  outcome: AttemptOutcome;
  statusCode: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
  at: Date;
}

export interface RecordPolicy {
  retry: RetryPolicy;
  disableAfterMs: number;
}

export interface Recorded {
  attempt: number;
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
  endpointDisabled: boolean;
}

/**
 * Writes one attempt and its consequences in the caller's transaction: the attempt log row,
 * the delivery's new status (and its next job when it retries), the endpoint's failure
 * streak, and disabling the endpoint on 410 or sustained failure. The endpoint row is locked
 * before the delivery row, the same order everywhere, so concurrent attempts cannot deadlock.
 * An attempt on a delivery that had already finished (a manual redelivery) is a single shot:
 * its failure is final and schedules nothing.
 */
export async function recordAttempt(
  c: Queryable,
  policy: RecordPolicy,
  r: AttemptResult,
): Promise<Recorded | undefined> {
  // No key update: fan-out's foreign-key checks on the endpoint are not blocked by this lock.
  const ep = await c.query('select 1 from webhook_endpoints where org_id = $1 and id = $2 for no key update', [
    r.orgId,
    r.endpointId,
  ]);
  const d = await getDelivery(c, r.orgId, r.deliveryId, { forUpdate: true });
  if (!ep.rowCount || !d) return undefined;
  const attempt = d.attempts + 1;
  const wasFinished = FINISHED.includes(d.status);
  await c.query(
    `insert into webhook_delivery_attempts (org_id, delivery_id, attempt, status_code, latency_ms, response_excerpt, error, at)
     values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing`,
    [r.orgId, r.deliveryId, attempt, r.statusCode, r.latencyMs, r.excerpt, r.error, r.at],
  );

  let status: DeliveryStatus;
  let nextAttemptAt: Date | null = null;
  let endpointDisabled = false;
  if (r.outcome.kind === 'succeeded') {
    status = 'succeeded';
    await c.query(
      `update webhook_endpoints set consecutive_failures = 0, failing_since = null, last_success_at = $3 where org_id = $1 and id = $2`,
      [r.orgId, r.endpointId, r.at],
    );
  } else if (r.outcome.kind === 'gone') {
    status = 'disabled';
    endpointDisabled = await disableEndpoint(c, r.orgId, r.endpointId, 'The endpoint answered 410 Gone.', r.at);
  } else {
    const { rows } = await c.query<{ failing_since: Date }>(
      `update webhook_endpoints set consecutive_failures = consecutive_failures + 1, failing_since = coalesce(failing_since, $3)
       where org_id = $1 and id = $2 returning failing_since`,
      [r.orgId, r.endpointId, r.at],
    );
    const delay = wasFinished ? undefined : nextRetryDelayMs(attempt, policy.retry, r.outcome.retryAfterMs);
    if (delay === undefined) {
      status = 'failed';
      if (!wasFinished && shouldDisable(rows[0]?.failing_since ?? null, r.at, policy.disableAfterMs)) {
        const since = rows[0]!.failing_since.toISOString();
        endpointDisabled = await disableEndpoint(
          c,
          r.orgId,
          r.endpointId,
          `Every attempt since ${since} failed.`,
          r.at,
        );
      }
    } else {
      status = 'retrying';
      nextAttemptAt = new Date(r.at.getTime() + delay);
      await enqueueDelivery(c, r.orgId, r.deliveryId, { runAt: nextAttemptAt });
    }
  }
  // disableEndpoint closed the open deliveries, this one included; the explicit status below wins for this row.
  await c.query(
    `update webhook_deliveries set status = $3, attempts = $4, next_attempt_at = $5, last_status_code = $6, last_latency_ms = $7,
       last_response_excerpt = $8, last_error = $9, delivered_at = case when $3 = 'succeeded' then $10 else delivered_at end
     where org_id = $1 and id = $2`,
    [r.orgId, r.deliveryId, status, attempt, nextAttemptAt, r.statusCode, r.latencyMs, r.excerpt, r.error, r.at],
  );
  return { attempt, status, nextAttemptAt, endpointDisabled };
}
