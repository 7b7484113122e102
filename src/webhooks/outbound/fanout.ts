import type { Queryable } from '../../db/pool.ts';
import { enqueueMany } from '../../db/queue.ts';
import { deliveryJobKey } from './deliveries.ts';

/**
 * One delivery per active endpoint whose filter takes this event (an empty filter takes
 * every type), each with its job, in the caller's transaction. Endpoints created after the
 * event are left out. The unique (endpoint, event) key makes a second run add nothing.
 */
export async function fanOutEvent(c: Queryable, orgId: string, eventId: string): Promise<number> {
  const { rows } = await c.query<{ id: string }>(
    `insert into webhook_deliveries (org_id, endpoint_id, event_id, event_type)
     select ev.org_id, e.id, ev.id, ev.type
     from events ev join webhook_endpoints e on e.org_id = ev.org_id
     where ev.org_id = $1 and ev.id = $2 and e.status = 'active' and e.created_at <= ev.created_at
       and (cardinality(e.event_types) = 0 or ev.type = any(e.event_types))
     on conflict (org_id, endpoint_id, event_id) do nothing
     returning id`,
    [orgId, eventId],
  );
  await enqueueMany(
    c,
    rows.map((r) => ({
      task: 'deliver_webhook' as const,
      payload: { org_id: orgId, delivery_id: r.id },
      jobKey: deliveryJobKey(r.id),
    })),
  );
  return rows.length;
}
