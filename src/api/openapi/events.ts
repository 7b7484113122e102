import { z } from 'zod';
import { EVENT_TYPES, type EventType } from '../../connections/events.ts';
import { TEST_EVENT_TYPE } from '../../webhooks/outbound/manual.ts';
import { freeFormObject, publishBatchStatus } from './components.ts';

/**
 * The data of each outbound event, as recorded by `recordEvent` callers; the body a host app
 * receives is `{type, timestamp, data}` (Standard Webhooks). Described in the document's
 * `webhooks` section and used by the SDK's `verifyWebhook` to type what it returns.
 */
const id = z.string();
const at = z.string().describe('ISO 8601 time');
const provider = z.string().describe('a provider id, as in GET /v1/providers');

/** A connect session connected an account: a new connection, or a reconnected one. */
const connected = z.object({
  connection_id: id,
  provider,
  external_account_id: z.string().nullable(),
  end_user_ref: z.string().nullable(),
  connect_session_id: id,
});

export const EVENT_DATA: Record<EventType | typeof TEST_EVENT_TYPE, z.ZodObject> = {
  'connection.created': connected,
  'connection.updated': connected,
  'connection.reauth_required': z.object({
    connection_id: id,
    provider,
    reason: z.string(),
    message: z.string().optional(),
  }),
  'connection.deleted': z.object({ connection_id: id, provider, revoked_at_platform: z.boolean() }),
  'connection.expiring': z.object({ connection_id: id, provider, expires_at: at }),
  'sync.completed': z.object({
    connection_id: id,
    run_id: id.optional(),
    reason: z.string(),
    pages: z.number().int().optional(),
    records: z.number().int().optional(),
    metric_revisions: z.number().int().optional(),
    entities: z.array(z.string()).optional(),
  }),
  'sync.failed': z.object({
    connection_id: id,
    run_id: id.optional(),
    reason: z.string(),
    error: z.string().describe('an error code'),
  }),
  'webhook.received': z.object({
    inbox_id: id,
    provider,
    topic: z.string().nullable(),
    connection_id: id.nullable(),
    action: z.string(),
  }),
  'content.conflict': z.object({
    conflict_id: id,
    item_id: id,
    connection_id: id,
    remote_id: z.string().nullable(),
    fields: z.array(z.string()),
    status: z.enum(['open', 'resolved']),
    resolved_by: z.string().optional(),
  }),
  'content.conflict_resolved': z.object({
    conflict_id: id,
    item_id: id,
    connection_id: id,
    fields: z.array(z.string()),
  }),
  'content.remote_deleted': z.object({ item_id: id, connection_id: id, remote_id: z.string().nullable() }),
  // The batch statuses inline: the events' components are converted apart from the routes'.
  'publish.completed': z.object({
    batch_id: id,
    status: z.enum(publishBatchStatus.options),
    total: z.number().int(),
    done: z.number().int(),
    failed: z.number().int(),
    dry_run: z.boolean(),
  }),
  'publish.rolled_back': z.object({ batch_id: id }),
  'webhook_endpoint.disabled': z.object({
    endpoint_id: id,
    reason: z.string(),
    failing_since: at.nullable(),
    disabled_at: at,
  }),
  [TEST_EVENT_TYPE]: z.object({ endpoint_id: id, message: z.string() }),
};

export const ALL_EVENT_TYPES = [...EVENT_TYPES, TEST_EVENT_TYPE] as const;

const pascal = (t: string) =>
  t
    .split(/[._]/)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

/** The body of one event type, named `<Type>Event` in components. */
export function eventBody(type: (typeof ALL_EVENT_TYPES)[number]) {
  return z
    .object({ type: z.literal(type), timestamp: at, data: EVENT_DATA[type] })
    .meta({ id: `${pascal(type)}Event`, description: `The body of a \`${type}\` webhook.` });
}

export { freeFormObject };
