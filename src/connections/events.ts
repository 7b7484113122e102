import type { Queryable } from '../db/pool.ts';
import { enqueue, enqueueMany } from '../db/queue.ts';

/** Event types recorded for the host application (outbound webhooks deliver them). */
export const EVENT_TYPES = [
  'connection.created',
  'connection.updated',
  'connection.reauth_required',
  'connection.deleted',
  'connection.expiring',
  'sync.completed',
  'sync.failed',
  'webhook.received',
  'content.conflict',
  'content.conflict_resolved',
  'content.remote_deleted',
  'publish.completed',
  'publish.rolled_back',
  'webhook_endpoint.disabled',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Records an event in the caller's transaction: it exists exactly when the change it
 * describes does, and so does the job that fans it out to the org's webhook endpoints. An
 * org with no active endpoint gets no fan-out job at all (the common case for high-volume
 * events such as webhook.received).
 */
export async function recordEvent(
  client: Queryable,
  orgId: string,
  type: EventType,
  payload: Record<string, unknown>,
): Promise<string> {
  const [id] = await recordEvents(client, orgId, [{ type, payload }]);
  return id!;
}

/** Many events in one statement (a batch of processed webhooks), same guarantees as recordEvent. */
export async function recordEvents(
  client: Queryable,
  orgId: string,
  events: readonly { type: EventType; payload: Record<string, unknown> }[],
): Promise<string[]> {
  if (events.length === 0) return [];
  const { rows } = await client.query<{ id: string; fanout: boolean }>(
    `with ins as (
       insert into events (org_id, type, payload)
       select $1, e.type, e.payload from jsonb_to_recordset($2::jsonb) as e(type text, payload jsonb)
       returning id
     )
     select ins.id, exists (select 1 from webhook_endpoints w where w.org_id = $1 and w.status = 'active') as fanout from ins`,
    [orgId, JSON.stringify(events)],
  );
  const fanout = rows.filter((r) => r.fanout);
  if (fanout.length === 1) await enqueue(client, 'fanout_event', { org_id: orgId, event_id: fanout[0]!.id });
  else if (fanout.length > 1)
    await enqueueMany(
      client,
      fanout.map((r) => ({ task: 'fanout_event', payload: { org_id: orgId, event_id: r.id } })),
    );
  return rows.map((r) => r.id);
}
