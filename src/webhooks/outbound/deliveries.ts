import { cursorParams, type Cursor } from '../../db/keyset.ts';
import type { Queryable } from '../../db/pool.ts';
import { enqueue } from '../../db/queue.ts';
import { firstRow } from '../../db/first-row.ts';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'retrying' | 'disabled';

/** Statuses after which no automatic attempt follows. */
export const FINISHED: readonly DeliveryStatus[] = ['succeeded', 'failed', 'disabled'];

export interface DeliveryRow {
  id: string;
  org_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_status_code: number | null;
  last_latency_ms: number | null;
  last_response_excerpt: string | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

const DELIVERY_COLUMNS =
  'id, org_id, endpoint_id, event_id, event_type, status, attempts, next_attempt_at, last_status_code, last_latency_ms, last_response_excerpt, last_error, created_at, delivered_at';

export interface AttemptRow {
  attempt: number;
  status_code: number | null;
  latency_ms: number | null;
  response_excerpt: string | null;
  error: string | null;
  at: Date;
}

/** One queued job per delivery: a redelivery or a rescheduled retry replaces the pending one. */
export const deliveryJobKey = (deliveryId: string) => `webhook-delivery:${deliveryId}`;

export function enqueueDelivery(
  c: Queryable,
  orgId: string,
  deliveryId: string,
  opts: { runAt?: Date; manual?: boolean } = {},
): Promise<number> {
  return enqueue(
    c,
    'deliver_webhook',
    { org_id: orgId, delivery_id: deliveryId, ...(opts.manual ? { manual: true } : {}) },
    {
      jobKey: deliveryJobKey(deliveryId),
      ...(opts.runAt ? { runAt: opts.runAt } : {}),
    },
  );
}

export async function getDelivery(
  c: Queryable,
  orgId: string,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<DeliveryRow | undefined> {
  return firstRow<DeliveryRow>(
    c,
    `select ${DELIVERY_COLUMNS} from webhook_deliveries where org_id = $1 and id = $2${opts.forUpdate ? ' for update' : ''}`,
    [orgId, id],
  );
}

/** An endpoint's deliveries, newest first, after `cursor`. */
export async function listDeliveries(
  c: Queryable,
  orgId: string,
  endpointId: string,
  status: DeliveryStatus | undefined,
  cursor: Cursor | undefined,
  limit: number,
): Promise<DeliveryRow[]> {
  const { rows } = await c.query<DeliveryRow>(
    `select ${DELIVERY_COLUMNS} from webhook_deliveries
     where org_id = $1 and endpoint_id = $2 and ($3::timestamptz is null or (created_at, id) < ($3, $4::uuid)) and ($5::text is null or status = $5)
     order by created_at desc, id desc limit $6`,
    [orgId, endpointId, ...cursorParams(cursor), status ?? null, limit],
  );
  return rows;
}

export async function listAttempts(c: Queryable, orgId: string, deliveryId: string): Promise<AttemptRow[]> {
  const { rows } = await c.query<AttemptRow>(
    'select attempt, status_code, latency_ms, response_excerpt, error, at from webhook_delivery_attempts where org_id = $1 and delivery_id = $2 order by attempt',
    [orgId, deliveryId],
  );
  return rows;
}
