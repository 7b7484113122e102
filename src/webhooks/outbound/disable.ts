import { recordEvent } from '../../connections/events.ts';
import type { Queryable } from '../../db/pool.ts';

/**
 * The sustained-failure rule: when a delivery exhausts its retry schedule and no attempt to
 * its endpoint has succeeded for this long (the endpoint's failure streak began at least
 * this long ago), the endpoint is disabled. One bad day costs a few failed deliveries; a
 * receiver gone for five days stops costing retries until someone re-enables it.
 */
export const DISABLE_AFTER_MS = 5 * 24 * 3_600_000;

export function shouldDisable(failingSince: Date | null, now: Date, disableAfterMs: number): boolean {
  return failingSince !== null && now.getTime() - failingSince.getTime() >= disableAfterMs;
}

/**
 * Disables an active endpoint, closes its open deliveries (their queued jobs then do
 * nothing) and records `webhook_endpoint.disabled`, all in the caller's transaction.
 * Returns false when the endpoint was not active.
 */
export async function disableEndpoint(
  c: Queryable,
  orgId: string,
  endpointId: string,
  reason: string,
  at: Date,
): Promise<boolean> {
  const { rows } = await c.query<{ failing_since: Date | null }>(
    `update webhook_endpoints set status = 'disabled', disabled_reason = $3, disabled_at = $4, updated_at = now()
     where org_id = $1 and id = $2 and status = 'active' returning failing_since`,
    [orgId, endpointId, reason, at],
  );
  const row = rows[0];
  if (!row) return false;
  await c.query(
    `update webhook_deliveries set status = 'disabled', next_attempt_at = null, last_error = coalesce(last_error, 'endpoint disabled')
     where org_id = $1 and endpoint_id = $2 and status in ('pending', 'retrying')`,
    [orgId, endpointId],
  );
  await recordEvent(c, orgId, 'webhook_endpoint.disabled', {
    endpoint_id: endpointId,
    reason,
    failing_since: row.failing_since,
    disabled_at: at,
  });
  return true;
}
