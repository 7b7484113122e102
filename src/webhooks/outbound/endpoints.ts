import { randomUUID } from 'node:crypto';
import { orgRowById } from '../../db/by-id.ts';
import { cursorParams, type Cursor } from '../../db/keyset.ts';
import type { Queryable } from '../../db/pool.ts';
import type { SealedSecret } from '../../vault/cipher.ts';
import type { Keyring } from '../../vault/keyring.ts';
import { generateSecret, openSecret, ROTATION_OVERLAP_MS, sealSecret } from './secrets.ts';
import { firstRow } from '../../db/first-row.ts';

/** An endpoint as stored, minus its sealed secrets (which only the signing path reads). */
export interface EndpointRow {
  id: string;
  org_id: string;
  url: string;
  description: string | null;
  event_types: string[];
  status: 'active' | 'disabled';
  disabled_reason: string | null;
  disabled_at: Date | null;
  previous_secret_expires_at: Date | null;
  consecutive_failures: number;
  failing_since: Date | null;
  last_success_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const ENDPOINT_COLUMNS =
  'id, org_id, url, description, event_types, status, disabled_reason, disabled_at, previous_secret_expires_at, consecutive_failures, failing_since, last_success_at, created_at, updated_at';

export interface EndpointInput {
  url: string;
  description: string | null;
  eventTypes: readonly string[];
}

/** Creates an endpoint with a fresh secret, returned here once and stored only sealed. */
export async function createEndpoint(
  c: Queryable,
  keyring: Keyring,
  orgId: string,
  input: EndpointInput,
): Promise<{ row: EndpointRow; secret: string }> {
  const id = randomUUID();
  const secret = generateSecret();
  const sealed = await sealSecret(keyring, orgId, id, 'secret', secret);
  const { rows } = await c.query<EndpointRow>(
    `insert into webhook_endpoints (org_id, id, url, description, event_types, secret, secret_key_id)
     values ($1, $2, $3, $4, $5, $6, $7) returning ${ENDPOINT_COLUMNS}`,
    [orgId, id, input.url, input.description, input.eventTypes, sealed, sealed.kid],
  );
  return { row: rows[0]!, secret };
}

export async function getEndpoint(c: Queryable, orgId: string, id: string): Promise<EndpointRow | undefined> {
  return orgRowById<EndpointRow>(c, 'webhook_endpoints', ENDPOINT_COLUMNS, orgId, id);
}

/** The org's endpoints, newest first, after `cursor`. */
export async function listEndpoints(
  c: Queryable,
  orgId: string,
  status: EndpointRow['status'] | undefined,
  cursor: Cursor | undefined,
  limit: number,
): Promise<EndpointRow[]> {
  const { rows } = await c.query<EndpointRow>(
    `select ${ENDPOINT_COLUMNS} from webhook_endpoints
     where org_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2, $3::uuid)) and ($4::text is null or status = $4)
     order by created_at desc, id desc limit $5`,
    [orgId, ...cursorParams(cursor), status ?? null, limit],
  );
  return rows;
}

/** Fields a client may change; undefined leaves one as it is (a null description clears it). */
export interface EndpointChange {
  url?: string | undefined;
  description?: string | null | undefined;
  eventTypes?: readonly string[] | undefined;
  status?: EndpointRow['status'] | undefined;
}

/**
 * Applies a change. Re-enabling a disabled endpoint clears its failure streak and the reason
 * it was disabled; disabling an active one records that the API did it, and when.
 */
export async function updateEndpoint(
  c: Queryable,
  orgId: string,
  id: string,
  ch: EndpointChange,
): Promise<EndpointRow | undefined> {
  return firstRow<EndpointRow>(
    c,
    `update webhook_endpoints set
       url = coalesce($3, url),
       description = case when $4::boolean then $5 else description end,
       event_types = coalesce($6, event_types),
       consecutive_failures = case when $7 = 'active' and status = 'disabled' then 0 else consecutive_failures end,
       failing_since = case when $7 = 'active' and status = 'disabled' then null else failing_since end,
       disabled_reason = case when $7 = 'active' then null when $7 = 'disabled' and status = 'active' then 'Disabled through the API.' else disabled_reason end,
       disabled_at = case when $7 = 'active' then null when $7 = 'disabled' and status = 'active' then now() else disabled_at end,
       status = coalesce($7, status),
       updated_at = now()
     where org_id = $1 and id = $2 returning ${ENDPOINT_COLUMNS}`,
    [
      orgId,
      id,
      ch.url ?? null,
      ch.description !== undefined,
      ch.description ?? null,
      ch.eventTypes ?? null,
      ch.status ?? null,
    ],
  );
}

/** Deletes an endpoint (its deliveries go with it); false when there was none. */
export async function deleteEndpoint(c: Queryable, orgId: string, id: string): Promise<boolean> {
  const { rowCount } = await c.query('delete from webhook_endpoints where org_id = $1 and id = $2', [orgId, id]);
  return !!rowCount;
}

/**
 * A new secret; the current one moves to `previous_secret` and keeps signing for the overlap,
 * so receivers can deploy the new secret without dropping a message. Rotating again inside
 * the overlap retires the oldest secret at once.
 */
export async function rotateEndpointSecret(
  c: Queryable,
  keyring: Keyring,
  orgId: string,
  id: string,
  now: Date,
): Promise<{ row: EndpointRow; secret: string } | undefined> {
  const { rows } = await c.query<{ secret: SealedSecret }>(
    'select secret from webhook_endpoints where org_id = $1 and id = $2 for update',
    [orgId, id],
  );
  const current = rows[0];
  if (!current) return undefined;
  const previous = await sealSecret(
    keyring,
    orgId,
    id,
    'previous_secret',
    await openSecret(keyring, orgId, id, 'secret', current.secret),
  );
  const secret = generateSecret();
  const sealed = await sealSecret(keyring, orgId, id, 'secret', secret);
  const updated = await c.query<EndpointRow>(
    `update webhook_endpoints set secret = $3, secret_key_id = $4, previous_secret = $5, previous_secret_key_id = $6,
       previous_secret_expires_at = $7, updated_at = now()
     where org_id = $1 and id = $2 returning ${ENDPOINT_COLUMNS}`,
    [orgId, id, sealed, sealed.kid, previous, previous.kid, new Date(now.getTime() + ROTATION_OVERLAP_MS)],
  );
  return { row: updated.rows[0]!, secret };
}

/** The secrets that sign a message now: the current one, and the previous one while its overlap lasts. */
export async function signingSecrets(
  c: Queryable,
  keyring: Keyring,
  orgId: string,
  id: string,
  now: Date,
): Promise<string[]> {
  const { rows } = await c.query<{
    secret: SealedSecret;
    previous_secret: SealedSecret | null;
    previous_secret_expires_at: Date | null;
  }>(
    'select secret, previous_secret, previous_secret_expires_at from webhook_endpoints where org_id = $1 and id = $2',
    [orgId, id],
  );
  const r = rows[0];
  if (!r) return [];
  const out = [await openSecret(keyring, orgId, id, 'secret', r.secret)];
  if (r.previous_secret && r.previous_secret_expires_at && r.previous_secret_expires_at > now) {
    out.push(await openSecret(keyring, orgId, id, 'previous_secret', r.previous_secret));
  }
  return out;
}
