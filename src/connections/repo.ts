import type { ApiVersionError } from './version-error.ts';
import { cursorParams, type Cursor } from '../db/keyset.ts';
import type { Queryable } from '../db/pool.ts';
import type { SealedSecret } from '../vault/cipher.ts';
import type { EncryptedCredentials } from '../vault/credentials.ts';
import { firstRow } from '../db/first-row.ts';

export type ConnectionStatus = 'pending' | 'active' | 'needs_reauth' | 'error' | 'deleted';

export interface ConnectionRow {
  org_id: string;
  id: string;
  provider: string;
  status: ConnectionStatus;
  display_name: string | null;
  external_account_id: string | null;
  end_user_ref: string | null;
  config: Record<string, string>;
  credentials: EncryptedCredentials | null;
  scopes: string[];
  expires_at: Date | null;
  refresh_expires_at: Date | null;
  next_refresh_at: Date | null;
  last_refreshed_at: Date | null;
  last_refresh_error: string | null;
  refresh_failures: number;
  token_version: number;
  sync_interval_minutes: number | null;
  last_sync_at: Date | null;
  /** How content conflicts on this connection resolve unless an item says otherwise. */
  conflict_policy: 'hub_wins' | 'remote_wins' | 'latest_wins' | 'manual';
  /** The platform's refusal of the API version, while it lasts (connections/version-error.ts). */
  api_version_error: ApiVersionError | null;
  created_at: Date;
  updated_at: Date;
}

const CONNECTION_COLUMNS =
  'org_id, id, provider, status, display_name, external_account_id, end_user_ref, config, credentials, scopes, expires_at, refresh_expires_at, next_refresh_at, last_refreshed_at, last_refresh_error, refresh_failures, token_version, sync_interval_minutes, last_sync_at, conflict_policy, api_version_error, created_at, updated_at';

export async function getConnection(client: Queryable, orgId: string, id: string): Promise<ConnectionRow | undefined> {
  return firstRow<ConnectionRow>(
    client,
    `select ${CONNECTION_COLUMNS} from connections where org_id = $1 and id = $2 and status <> 'deleted'`,
    [orgId, id],
  );
}

/** Provider and status of each of `ids` that is a connection of the org (deleted ones included). */
export async function connectionStates(
  client: Queryable,
  orgId: string,
  ids: readonly string[],
): Promise<Pick<ConnectionRow, 'id' | 'provider' | 'status'>[]> {
  const { rows } = await client.query<Pick<ConnectionRow, 'id' | 'provider' | 'status'>>(
    'select id, provider, status from connections where org_id = $1 and id = any($2::uuid[])',
    [orgId, ids],
  );
  return rows;
}

export interface ConnectionFilters {
  provider?: string | undefined;
  status?: string | undefined;
  endUserRef?: string | undefined;
}

/** The org's connections (deleted ones left out), newest first, after `cursor`. */
export async function listConnections(
  client: Queryable,
  orgId: string,
  f: ConnectionFilters,
  cursor: Cursor | undefined,
  limit: number,
): Promise<ConnectionRow[]> {
  const { rows } = await client.query<ConnectionRow>(
    `select ${CONNECTION_COLUMNS} from connections
     where org_id = $1 and status <> 'deleted' and ($2::timestamptz is null or (created_at, id) < ($2, $3::uuid))
       and ($4::text is null or provider = $4) and ($5::text is null or status = $5) and ($6::text is null or end_user_ref = $6)
     order by created_at desc, id desc limit $7`,
    [orgId, ...cursorParams(cursor), f.provider ?? null, f.status ?? null, f.endUserRef ?? null, limit],
  );
  return rows;
}

/** The settings a client may change; `syncIntervalMinutes: null` restores the default, undefined leaves it. */
export interface ConnectionSettings {
  syncIntervalMinutes?: number | null | undefined;
  conflictPolicy?: ConnectionRow['conflict_policy'] | undefined;
}

export async function updateConnectionSettings(
  client: Queryable,
  orgId: string,
  id: string,
  s: ConnectionSettings,
): Promise<void> {
  await client.query(
    `update connections set sync_interval_minutes = case when $3 then $4::int else sync_interval_minutes end,
       conflict_policy = coalesce($5, conflict_policy), updated_at = now() where org_id = $1 and id = $2`,
    [orgId, id, s.syncIntervalMinutes !== undefined, s.syncIntervalMinutes ?? null, s.conflictPolicy ?? null],
  );
}

/** Stores a sealed per-connection webhook secret (the current one is replaced at once). */
export async function setWebhookSecret(
  client: Queryable,
  orgId: string,
  id: string,
  sealed: SealedSecret,
): Promise<void> {
  await client.query(
    'update connections set webhook_secret = $3, webhook_secret_key_id = $4, updated_at = now() where org_id = $1 and id = $2',
    [orgId, id, sealed, sealed.kid],
  );
}

/**
 * When to refresh a token ahead of its expiry: 10% of its lifetime early, at least a minute
 * and at most a week (a one-hour token 6 minutes early; a 60-day token 6 days early, so an
 * outage of a few days still leaves time to refresh).
 */
export function refreshDueAt(expiresAt: Date | undefined, now: Date): Date | null {
  if (!expiresAt) return null;
  const life = expiresAt.getTime() - now.getTime();
  const early = Math.min(7 * 86_400_000, Math.max(60_000, life * 0.1));
  return new Date(Math.max(now.getTime(), expiresAt.getTime() - early));
}
