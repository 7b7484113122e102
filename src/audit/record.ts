import type { Queryable } from '../db/pool.ts';

/** Who acted. Personal data stays out of `id` except an end user's reference, which the host app chose. */
export type Actor =
  | { type: 'api_key'; id: string }
  | { type: 'end_user'; id: string | null }
  | { type: 'portal_user'; id: string }
  | { type: 'admin' }
  | { type: 'system'; id: string };

/** The actions the trail records; a new kind of action adds a line here. */
export const AUDIT_ACTIONS = [
  'api_key.create',
  'api_key.revoke',
  'org.update',
  'org.retention.update',
  'org.erase',
  'connect_session.create',
  'connection.connect',
  'connection.reauth',
  'connection.update',
  'connection.disconnect',
  'connection.credentials.refresh',
  'connection.webhook_secret.rotate',
  'webhook_endpoint.create',
  'webhook_endpoint.update',
  'webhook_endpoint.delete',
  'webhook_endpoint.secret.rotate',
  'publish.create',
  'publish.rollback',
  'conflict.resolve',
  'ads.campaign.create',
  'ads.campaign.update',
  'ads.campaign.delete',
  'ads.entity.pause',
  'ads.entity.resume',
  'dead_letter.replay',
  'portal_session.create',
  'portal_session.revoke',
  'org.portal.update',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What an entry can be about. */
export const AUDIT_TARGET_TYPES = [
  'org',
  'api_key',
  'connect_session',
  'connection',
  'webhook_endpoint',
  'publish_batch',
  'conflict',
  'ads.account',
  'ads.campaign',
  'ads.ad_group',
  'ads.ad',
  'dead_letter',
  'portal_session',
] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

export const AUDIT_ACTOR_TYPES = ['api_key', 'end_user', 'portal_user', 'admin', 'system'] as const;

export interface AuditEntry {
  actor: Actor;
  action: AuditAction;
  target?: { type: AuditTargetType; id: string };
  /** What changed, never a secret or a payload: names of fields, counts, ids. */
  details?: Record<string, unknown>;
  requestId?: string;
}

/**
 * Appends one entry, in the caller's transaction so the record and the action commit together.
 * An API key is recorded by id with its visible prefix (looked up here, in the same statement).
 */
export async function recordAudit(client: Queryable, orgId: string, e: AuditEntry): Promise<void> {
  const actorId = e.actor.type === 'admin' ? null : e.actor.id;
  await client.query(
    `insert into audit_log (org_id, actor_type, actor_id, actor_label, action, target_type, target_id, details, request_id)
     values ($1, $2, $3, (select prefix from api_keys where org_id = $1 and id = $9), $4, $5, $6, $7, $8)`,
    [
      orgId,
      e.actor.type,
      actorId,
      e.action,
      e.target?.type ?? null,
      e.target?.id ?? null,
      e.details ?? {},
      e.requestId ?? null,
      e.actor.type === 'api_key' ? e.actor.id : null,
    ],
  );
}
