import { randomUUID } from 'node:crypto';
import { isPlexusError, plexusError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Database } from '../db/database.ts';
import { withOrgTx } from '../db/tx.ts';
import { enqueue } from '../jobs/enqueue.ts';
import { assertAlive, FencedError } from '../jobs/fence.ts';
import { connectorFor } from '../providers/connectors.ts';
import { connectorContext, type ProviderRuntime } from '../providers/context.ts';
import { refreshTokens } from '../providers/kit/oauth2.ts';
import type { TokenSet } from '../providers/kit/tokens.ts';
import { providers } from '../providers/registry.ts';
import type { ProviderId } from '../providers/types.ts';
import { openCredentials, sealCredentials, type DecryptedCredentials } from '../vault/credentials.ts';
import type { Keyring } from '../vault/keyring.ts';
import { recordEvent } from './events.ts';
import { recorderFor } from '../operations/recorder.ts';
import { withOperation } from '../operations/run.ts';
import { tokenRefreshes } from '../observability/platform-metrics.ts';
import { refreshDueAt, type ConnectionRow } from './repo.ts';

export interface RefreshDeps extends ProviderRuntime {
  db: Database;
  keyring: Keyring;
  log: Logger;
  /** Identifies this process as a lease holder. */
  owner?: string;
  leaseSeconds?: number;
}

export type RefreshOutcome = 'refreshed' | 'not_due' | 'in_progress' | 'waited' | 'needs_reauth' | 'not_refreshable';

/** Why a refresh is asked for: the scheduler only refreshes a token that is still due. */
export type RefreshReason = { kind: 'scheduled' } | { kind: 'forced'; seenVersion: number };

/** A token exchange whose expiry moved by no more than this (rounding of `expires_in`) kept its fixed end. */
const FIXED_END_TOLERANCE_MS = 2_000;

const processOwner = `${process.pid}:${randomUUID().slice(0, 8)}`;

/**
 * One refresh per connection at a time across every process, without holding a database
 * lock during the platform call: a conditional UPDATE takes a lease (expiring, so a holder
 * that dies frees it); only the lease holder calls the platform; the new access token, a
 * rotated refresh token and the expiry are written in one UPDATE that checks the lease is
 * still ours. Others wait for the lease to clear and use what the holder stored. The lease
 * condition also re-checks that a refresh is still needed, so a refresh that another process
 * finished a moment ago is never repeated (a duplicate would break platforms that rotate).
 */
export async function refreshConnection(deps: RefreshDeps, orgId: string, connectionId: string, reason: RefreshReason = { kind: 'scheduled' }): Promise<RefreshOutcome> {
  const owner = deps.owner ?? processOwner;
  const leaseSeconds = deps.leaseSeconds ?? 60;
  for (let round = 0; round < 2; round++) {
    const lease = await withOrgTx(deps.db.app, orgId, async (c) => {
      const { rows } = await c.query<ConnectionRow>(
        `update connections set refresh_lease_until = now() + make_interval(secs => $3), refresh_lease_owner = $4
         where org_id = $1 and id = $2 and status = 'active'
           and (refresh_lease_until is null or refresh_lease_until < now())
           and (case when $5::boolean then token_version = $6::int
                     else next_refresh_at is not null and next_refresh_at <= now() end)
         returning org_id, id, provider, config, credentials, last_refreshed_at, scopes, expires_at`,
        [orgId, connectionId, leaseSeconds, owner, reason.kind === 'forced', reason.kind === 'forced' ? reason.seenVersion : null],
      );
      if (rows[0]) return { row: rows[0] };
      const cur = await c.query<{ status: string; leased: boolean; last_refreshed_at: Date | null }>(
        `select status, (refresh_lease_until is not null and refresh_lease_until >= now()) as leased, last_refreshed_at
         from connections where org_id = $1 and id = $2`,
        [orgId, connectionId],
      );
      return { current: cur.rows[0] };
    });
    if ('row' in lease && lease.row) return doRefresh(deps, lease.row, owner, leaseSeconds);
    const cur = 'current' in lease ? lease.current : undefined;
    if (!cur || cur.status !== 'active') return cur?.status === 'needs_reauth' ? 'needs_reauth' : 'not_refreshable';
    if (!cur.leased) return 'not_due';
    // Someone else is refreshing. A scheduled refresh leaves it to them (if they die, the
    // lease expires and the every-minute scan re-queues it); a caller that needs the token
    // now waits for the new one.
    if (reason.kind === 'scheduled') return 'in_progress';
    await waitForLease(deps, orgId, connectionId, leaseSeconds * 1000);
    return 'waited';
  }
  return 'waited';
}

async function waitForLease(deps: RefreshDeps, orgId: string, connectionId: string, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs + 1000;
  let delay = 50;
  while (Date.now() < deadline) {
    const { rows } = await withOrgTx(deps.db.app, orgId, (c) =>
      c.query<{ leased: boolean }>(
        'select (refresh_lease_until is not null and refresh_lease_until >= now()) as leased from connections where org_id = $1 and id = $2',
        [orgId, connectionId],
      ),
    );
    if (!rows[0]?.leased) return;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(500, delay * 2);
  }
}

async function doRefresh(deps: RefreshDeps, row: Pick<ConnectionRow, 'org_id' | 'id' | 'provider' | 'config' | 'credentials' | 'expires_at'>, owner: string, leaseSeconds: number): Promise<RefreshOutcome> {
  const id = row.provider as ProviderId;
  const connector = connectorFor(id);
  const ctx = connectorContext(deps, id, row.config);
  let tokens: TokenSet;
  let creds: DecryptedCredentials;
  // A refresh token is used once. Right before using it: this process has not gone silent
  // since its job began, and the lease is still ours with time to spare (a holder paused past
  // its lease would otherwise send a token another process may already have exchanged).
  assertAlive();
  const held = await withOrgTx(deps.db.app, row.org_id, (c) =>
    c.query('select 1 from connections where org_id = $1 and id = $2 and refresh_lease_owner = $3 and refresh_lease_until > now() + make_interval(secs => $4)', [row.org_id, row.id, owner, leaseSeconds / 12]),
  );
  if (!held.rowCount) throw new FencedError('the refresh lease ran out before the token was sent');
  assertAlive();
  try {
    if (!row.credentials) throw plexusError('provider.auth_revoked', { message: 'The connection has no credentials.' });
    creds = await openCredentials(deps.keyring, row.org_id, row.id, row.credentials);
    const opened = creds;
    tokens = await withOperation(recorderFor(deps.db.owner, deps.log), { orgId: row.org_id, type: 'token_refresh', connectionId: row.id, provider: row.provider }, () =>
      connector.refresh ? connector.refresh(ctx, opened) : refreshTokens(ctx, opened),
    );
  } catch (err) {
    const permanent = isPlexusError(err) && err.retry === 'permanent';
    tokenRefreshes.inc({ provider: row.provider, outcome: permanent ? 'revoked' : 'failed' });
    const message = err instanceof Error ? err.message.slice(0, 500) : String(err);
    await withOrgTx(deps.db.app, row.org_id, async (c) => {
      if (permanent) {
        const { rowCount } = await c.query(
          `update connections set status = 'needs_reauth', last_refresh_error = $3, refresh_failures = refresh_failures + 1,
             refresh_lease_until = null, refresh_lease_owner = null, next_refresh_at = null, updated_at = now()
           where org_id = $1 and id = $2 and refresh_lease_owner = $4`,
          [row.org_id, row.id, message, owner],
        );
        if (rowCount) {
          await recordEvent(c, row.org_id, 'connection.reauth_required', {
            connection_id: row.id,
            provider: row.provider,
            reason: isPlexusError(err) ? err.code : 'provider.auth_revoked',
            message,
          });
        }
      } else {
        // Transient: keep the connection, free the lease, let the job's backoff retry.
        await c.query(
          `update connections set last_refresh_error = $3, refresh_failures = refresh_failures + 1,
             refresh_lease_until = null, refresh_lease_owner = null, updated_at = now()
           where org_id = $1 and id = $2 and refresh_lease_owner = $4`,
          [row.org_id, row.id, message, owner],
        );
      }
    });
    deps.log.warn({ connection_id: row.id, provider: row.provider, code: isPlexusError(err) ? err.code : 'internal_error', permanent }, 'token refresh failed');
    if (permanent) return 'needs_reauth';
    throw err;
  }
  tokenRefreshes.inc({ provider: row.provider, outcome: 'success' });
  const now = deps.clock.now();
  const next: DecryptedCredentials = {
    ...creds,
    accessToken: tokens.accessToken,
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
  };
  const sealed = await sealCredentials(deps.keyring, row.org_id, row.id, next);
  // Only a token exchange (Meta) can come back with the same fixed end: such a refresh is not
  // scheduled again, and the connection.expiring warning asks a person to reconnect. Any other
  // refresh, however soon after the last one, is scheduled again.
  const exchange = providers[id].auth.kind === 'oauth2' && providers[id].auth.refresh === 'exchange';
  const extended = !exchange || !tokens.expiresAt || !row.expires_at || tokens.expiresAt.getTime() > row.expires_at.getTime() + FIXED_END_TOLERANCE_MS;
  const due = extended ? refreshDueAt(tokens.expiresAt, now) : null;
  const stored = await withOrgTx(deps.db.app, row.org_id, async (c) => {
    const { rowCount } = await c.query(
      `update connections set credentials = $3, credentials_key_id = $4, expires_at = $5,
         refresh_expires_at = coalesce($6, refresh_expires_at), next_refresh_at = $7,
         last_refreshed_at = now(), last_refresh_error = null, refresh_failures = 0, token_version = token_version + 1,
         refresh_lease_until = null, refresh_lease_owner = null, updated_at = now()
       where org_id = $1 and id = $2 and refresh_lease_owner = $8`,
      [row.org_id, row.id, sealed, sealed.kid, tokens.expiresAt ?? null, tokens.refreshExpiresAt ?? null, due, owner],
    );
    if (rowCount && due) {
      await enqueue(c, 'refresh_connection', { org_id: row.org_id, connection_id: row.id }, { runAt: due, jobKey: `refresh:${row.id}` });
    }
    return rowCount === 1;
  });
  if (!stored) {
    // The lease ran out while the platform answered and someone else took over: their write wins.
    deps.log.error({ connection_id: row.id }, 'refresh lease lost before the new token was stored');
    throw plexusError('conflict', { message: 'Refresh lease lost; another process refreshed this connection.' });
  }
  return 'refreshed';
}
