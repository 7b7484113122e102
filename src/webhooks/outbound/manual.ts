import { plexusError } from '../../core/errors.ts';
import type { Queryable } from '../../db/pool.ts';
import { enqueueDelivery, getDelivery, type DeliveryRow } from './deliveries.ts';
import { getEndpoint } from './endpoints.ts';

/** Not a recorded event type: sent only to the endpoint it tests, never fanned out. */
export const TEST_EVENT_TYPE = 'webhook.test';

async function activeEndpoint(c: Queryable, orgId: string, endpointId: string) {
  const endpoint = await getEndpoint(c, orgId, endpointId);
  if (!endpoint) throw plexusError('not_found', { message: 'No such webhook endpoint.' });
  if (endpoint.status !== 'active')
    throw plexusError('conflict', {
      message: 'The webhook endpoint is disabled; re-enable it first.',
      details: { disabled_reason: endpoint.disabled_reason },
    });
  return endpoint;
}

/** A `webhook.test` event and its delivery to this one endpoint, sent at once. */
export async function sendTestEvent(c: Queryable, orgId: string, endpointId: string): Promise<DeliveryRow> {
  await activeEndpoint(c, orgId, endpointId);
  const ev = await c.query<{ id: string }>(
    'insert into events (org_id, type, payload) values ($1, $2, $3) returning id',
    [orgId, TEST_EVENT_TYPE, { endpoint_id: endpointId, message: 'A test event from Plexus.' }],
  );
  const { rows } = await c.query<{ id: string }>(
    'insert into webhook_deliveries (org_id, endpoint_id, event_id, event_type) values ($1, $2, $3, $4) returning id',
    [orgId, endpointId, ev.rows[0]!.id, TEST_EVENT_TYPE],
  );
  const id = rows[0]!.id;
  await enqueueDelivery(c, orgId, id);
  return (await getDelivery(c, orgId, id))!;
}

/**
 * A new attempt now, whatever the delivery's status: it replaces a scheduled retry (same job
 * key), and on a finished delivery it is a single attempt that schedules no more.
 */
export async function requestRedelivery(
  c: Queryable,
  orgId: string,
  deliveryId: string,
  now: Date,
): Promise<DeliveryRow> {
  const d = await getDelivery(c, orgId, deliveryId);
  if (!d) throw plexusError('not_found', { message: 'No such webhook delivery.' });
  await activeEndpoint(c, orgId, d.endpoint_id);
  await c.query('update webhook_deliveries set next_attempt_at = $3 where org_id = $1 and id = $2', [
    orgId,
    deliveryId,
    now,
  ]);
  await enqueueDelivery(c, orgId, deliveryId, { manual: true });
  return (await getDelivery(c, orgId, deliveryId))!;
}
