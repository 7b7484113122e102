import { recordEvent, recordEvents } from '../../connections/events.ts';
import type { PoolClient } from '../../db/pool.ts';
import { enqueue } from '../../db/queue.ts';
import { type ProviderId, webhookAdapterFor } from '../../providers/registry.ts';

export interface InboxRow {
  id: string;
  provider: string;
  connection_id: string | null;
  topic: string;
  payload: unknown;
  status: string;
  attempts: number;
}

/**
 * Acts on one inbound event inside the caller's org transaction: the effect (a sync job, a
 * connection that needs re-authorization), the processed status and the `webhook.received`
 * event commit together, so an event is acted on once. `syncing` collects connections
 * already given a sync job in this batch, so a burst of edits queues one sync.
 */
export async function processInboxRow(
  c: PoolClient,
  orgId: string,
  row: InboxRow,
  syncing: Set<string> = new Set(),
): Promise<void> {
  const action = webhookAdapterFor(row.provider as ProviderId).action({ topic: row.topic, payload: row.payload });
  if (row.connection_id && action.kind === 'sync' && !syncing.has(row.connection_id)) {
    syncing.add(row.connection_id);
    await enqueueSync(c, orgId, row.connection_id, action.reason);
  } else if (row.connection_id && action.kind === 'reauth') {
    await requireReauth(c, orgId, row.connection_id, row.provider, action.reason);
  }
  await c.query(
    "update webhook_inbox set status = 'processed', processed_at = now(), attempts = attempts + 1, last_error = null where org_id = $1 and id = $2",
    [orgId, row.id],
  );
  await recordEvent(c, orgId, 'webhook.received', {
    inbox_id: row.id,
    provider: row.provider,
    topic: row.topic,
    connection_id: row.connection_id,
    action: action.kind,
  });
}

/**
 * A whole batch at once, for throughput: one sync job per connection, one status update and
 * one multi-row event insert. Any failure throws, and the caller falls back to one event at a
 * time so a single bad event cannot hold back the rest.
 */
export async function processInboxBatch(c: PoolClient, orgId: string, rows: readonly InboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  const actions = rows.map((row) => ({
    row,
    action: webhookAdapterFor(row.provider as ProviderId).action({ topic: row.topic, payload: row.payload }),
  }));
  const syncs = new Map<string, string>();
  for (const { row, action } of actions) {
    if (row.connection_id && action.kind === 'sync' && !syncs.has(row.connection_id))
      syncs.set(row.connection_id, action.reason);
  }
  for (const [connectionId, reason] of syncs) {
    await enqueueSync(c, orgId, connectionId, reason);
  }
  for (const { row, action } of actions) {
    if (row.connection_id && action.kind === 'reauth')
      await requireReauth(c, orgId, row.connection_id, row.provider, action.reason);
  }
  await c.query(
    "update webhook_inbox set status = 'processed', processed_at = now(), attempts = attempts + 1, last_error = null where org_id = $1 and id = any($2::uuid[])",
    [orgId, rows.map((r) => r.id)],
  );
  await recordEvents(
    c,
    orgId,
    actions.map(({ row, action }) => ({
      type: 'webhook.received' as const,
      payload: {
        inbox_id: row.id,
        provider: row.provider,
        topic: row.topic,
        connection_id: row.connection_id,
        action: action.kind,
      },
    })),
  );
}

/** One sync job per connection: the job key folds a burst of events into the sync already queued. */
async function enqueueSync(c: PoolClient, orgId: string, connectionId: string, reason: string): Promise<void> {
  await enqueue(
    c,
    'sync_connection',
    { org_id: orgId, connection_id: connectionId, reason },
    { jobKey: `sync:${connectionId}` },
  );
}

/** The platform revoked access: the connection drops its credentials and waits for the user (an event says so once). */
async function requireReauth(
  c: PoolClient,
  orgId: string,
  connectionId: string,
  provider: string,
  reason: string,
): Promise<void> {
  const { rowCount } = await c.query(
    `update connections set status = 'needs_reauth', credentials = null, credentials_key_id = null, next_refresh_at = null,
       last_refresh_error = $3, updated_at = now() where org_id = $1 and id = $2 and status = 'active'`,
    [orgId, connectionId, reason],
  );
  if (rowCount)
    await recordEvent(c, orgId, 'connection.reauth_required', { connection_id: connectionId, provider, reason });
}
