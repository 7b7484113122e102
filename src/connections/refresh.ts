import { randomUUID } from 'node:crypto';
import { isPlexusError, plexusError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Database } from '../db/database.ts';
import { withOrgTx } from '../db/tx.ts';
import { enqueue } from '../db/queue.ts';
import { assertAlive, FencedError } from '../db/fence.ts';
import { connectorFor, type ProviderId, providers } from '../providers/registry.ts';
import { connectorContext, type ProviderRuntime } from '../providers/context.ts';
import { refreshTokens } from '../providers/kit/oauth2.ts';
import type { TokenSet } from '../providers/kit/tokens.ts';
import { openCredentials, sealCredentials, type DecryptedCredentials } from '../vault/credentials.ts';
import type { Keyring } from '../vault/keyring.ts';
import { recordEvent } from './events.ts';
import { recorderFor } from '../operations/recorder.ts';
import { withOperation } from '../operations/run.ts';
import { tokenRefreshes } from '../observability/platform-metrics.ts';
import { refreshDueAt, type ConnectionRow } from './repo.ts';
import { engineSettings } from '../config/schema.ts';

export interface RefreshDeps extends ProviderRuntime {
  db: Database;
  keyring: Keyring;
  log: Logger;
  /** Identifies this process as a lease holder. */
  owner?: string;
  /** Defaults to PLEXUS_REFRESH_LEASE_MS / PLEXUS_REFRESH_SETTLE_MS. */
  leaseMs?: number;
  settleMs?: number;
}

export type RefreshOutcome = 'refreshed' | 'not_due' | 'in_progress' | 'waited' | 'needs_reauth' | 'not_refreshable';

/** Why a refresh is asked for: the scheduler only refreshes a token that is still due. */
export type RefreshReason = { kind: 'scheduled' } | { kind: 'forced'; seenVersion: number };

/** A token exchange whose expiry moved by no more than this (rounding of `expires_in`) kept its fixed end. */
const FIXED_END_TOLERANCE_MS = 2_000;

const processOwner = `${process.pid}:${randomUUID().slice(0, 8)}`;

type LeasedRow = Pick<
  ConnectionRow,
  'org_id' | 'id' | 'provider' | 'config' | 'credentials' | 'expires_at' | 'token_version'
> & {
  refresh_generation: string;
  refresh_sent_by: string | null;
  /** The refresh token of this very version was sent by an earlier holder whose outcome never came back. */
  in_flight: boolean;
  /** ... and it may still come back (its settle window has not passed). */
  settling: boolean;
};

/**
 * One refresh per connection at a time across every process, without holding a database
 * lock during the platform call: a conditional UPDATE takes a lease (expiring, so a holder
 * that dies frees it) with a new generation; only the lease holder calls the platform; the
 * new access token, a rotated refresh token and the expiry are written in one UPDATE. Others
 * wait for the lease to clear and use what the holder stored. The lease condition also
 * re-checks that a refresh is still needed, so a refresh that another process finished a
 * moment ago is never repeated (a duplicate would break platforms that rotate).
 *
 * A lease is not ownership: a holder paused after sending the refresh token outlives its lease.
 * So the send itself is recorded (token version, holder#generation, time) before the call, and
 * a later holder that finds the token of the current version already sent treats that refresh
 * as in flight: it waits the settle window for the outcome instead of sending the token again.
 */
export async function refreshConnection(
  deps: RefreshDeps,
  orgId: string,
  connectionId: string,
  reason: RefreshReason = { kind: 'scheduled' },
): Promise<RefreshOutcome> {
  const owner = deps.owner ?? processOwner;
  const settings = engineSettings();
  const leaseMs = deps.leaseMs ?? settings.refreshLeaseMs;
  const settleMs = deps.settleMs ?? settings.refreshSettleMs;
  for (let round = 0; round < 3; round++) {
    const lease = await withOrgTx(deps.db.app, orgId, async (c) => {
      const { rows } = await c.query<LeasedRow>(
        `update connections set refresh_lease_until = now() + make_interval(secs => $3::float8 / 1000), refresh_lease_owner = $4,
           refresh_generation = refresh_generation + 1
         where org_id = $1 and id = $2 and status = 'active'
           and (refresh_lease_until is null or refresh_lease_until < now())
           and (case when $5::boolean then token_version = $6::int
                     else next_refresh_at is not null and next_refresh_at <= now() end)
         returning org_id, id, provider, config, credentials, expires_at, token_version, refresh_generation::text, refresh_sent_by,
           (refresh_sent_by is not null and refresh_sent_version = token_version) as in_flight,
           (refresh_sent_at + make_interval(secs => $7::float8 / 1000) > now()) as settling`,
        [
          orgId,
          connectionId,
          leaseMs,
          owner,
          reason.kind === 'forced',
          reason.kind === 'forced' ? reason.seenVersion : null,
          settleMs,
        ],
      );
      if (rows[0]) return { row: rows[0] };
      const cur = await c.query<{ status: string; leased: boolean; last_refreshed_at: Date | null }>(
        `select status, (refresh_lease_until is not null and refresh_lease_until >= now()) as leased, last_refreshed_at
         from connections where org_id = $1 and id = $2`,
        [orgId, connectionId],
      );
      return { current: cur.rows[0] };
    });
    if ('row' in lease && lease.row) {
      const row = lease.row;
      if (!(row.in_flight && row.settling)) return doRefresh(deps, row, owner, leaseMs);
      // An earlier holder sent this very refresh token and has not written back: its answer may
      // still arrive (a paused worker wakes up). Sending the token again would use it twice. Free
      // the lease (the bumped generation stays: that holder is no longer current) and wait.
      await withOrgTx(deps.db.app, orgId, (c) =>
        c.query(
          'update connections set refresh_lease_until = null, refresh_lease_owner = null where org_id = $1 and id = $2 and refresh_generation = $3',
          [orgId, connectionId, row.refresh_generation],
        ),
      );
      deps.log.warn(
        { connection_id: connectionId, sent_by: row.refresh_sent_by },
        'token refresh in flight by another holder; waiting for its outcome',
      );
      // A scheduled refresh leaves it (the every-minute scan re-queues a refresh still due).
      if (reason.kind === 'scheduled') return 'in_progress';
      // A caller that needs the token now waits, but no longer than a lease would have held it.
      const settled = await waitForSettle(
        deps,
        orgId,
        connectionId,
        row.token_version,
        settleMs,
        Math.min(settleMs, leaseMs),
      );
      if (settled === 'changed') return 'waited';
      if (settled === 'pending') return 'in_progress';
      continue;
    }
    const cur = 'current' in lease ? lease.current : undefined;
    if (!cur || cur.status !== 'active') return cur?.status === 'needs_reauth' ? 'needs_reauth' : 'not_refreshable';
    if (!cur.leased) return 'not_due';
    // Someone else is refreshing. A scheduled refresh leaves it to them (if they die, the
    // lease expires and the every-minute scan re-queues it); a caller that needs the token
    // now waits for the new one.
    if (reason.kind === 'scheduled') return 'in_progress';
    await waitForLease(deps, orgId, connectionId, leaseMs);
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

/**
 * Waits for a refresh in flight by another holder: `changed` when the token changed or the
 * connection left `active` (the outcome is there to read), `settled` when its settle window
 * passed with no outcome (the caller may then decide), `pending` when `maxMs` ran out first.
 */
async function waitForSettle(
  deps: RefreshDeps,
  orgId: string,
  connectionId: string,
  version: number,
  settleMs: number,
  maxMs: number,
): Promise<'changed' | 'settled' | 'pending'> {
  const deadline = Date.now() + maxMs + 1000;
  let delay = 50;
  while (Date.now() < deadline) {
    const { rows } = await withOrgTx(deps.db.app, orgId, (c) =>
      c.query<{ changed: boolean; settled: boolean }>(
        `select (token_version <> $3 or status <> 'active') as changed,
                (refresh_sent_at is null or refresh_sent_at + make_interval(secs => $4::float8 / 1000) <= now()) as settled
         from connections where org_id = $1 and id = $2`,
        [orgId, connectionId, version, settleMs],
      ),
    );
    if (!rows[0] || rows[0].changed) return 'changed';
    if (rows[0].settled) return 'settled';
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(500, delay * 2);
  }
  return 'pending';
}

/** The platform's answer never came back (timeout, reset): it may have used the refresh token. */
function answerLost(err: unknown): boolean {
  if (!isPlexusError(err)) return true;
  return err.code === 'provider.timeout' || (err.code === 'provider.unavailable' && err.cause !== undefined);
}

async function doRefresh(deps: RefreshDeps, row: LeasedRow, owner: string, leaseMs: number): Promise<RefreshOutcome> {
  const id = row.provider as ProviderId;
  const connector = connectorFor(id);
  const ctx = connectorContext(deps, id, row.config);
  const generation = row.refresh_generation;
  const sentBy = `${owner}#${generation}`;
  const version = row.token_version;
  // An earlier holder sent this token and its settle window passed without an answer: it most
  // likely never reached the platform (or its holder died). Trying it once is the only way on; a
  // platform that already rotated it refuses, and the error says why.
  const retriedAfter = row.in_flight ? row.refresh_sent_by : null;
  let tokens: TokenSet;
  let creds: DecryptedCredentials;
  // A refresh token is used once. Right before using it: this process has not gone silent since
  // its job began, and, in the transaction that records the send, the lease is still ours (this
  // generation) with time to spare. The record is what a later holder reads as "in flight".
  assertAlive();
  const sent = await withOrgTx(deps.db.app, row.org_id, (c) =>
    c.query(
      `update connections set refresh_sent_version = token_version, refresh_sent_by = $3, refresh_sent_at = now()
       where org_id = $1 and id = $2 and refresh_lease_owner = $4 and refresh_generation = $5 and token_version = $6 and status = 'active'
         and refresh_lease_until > now() + make_interval(secs => $7::float8 / 1000)`,
      [row.org_id, row.id, sentBy, owner, generation, version, leaseMs / 12_000],
    ),
  );
  if (!sent.rowCount) throw new FencedError('the refresh lease ran out before the token was sent');
  assertAlive();
  try {
    if (!row.credentials) throw plexusError('provider.auth_revoked', { message: 'The connection has no credentials.' });
    creds = await openCredentials(deps.keyring, row.org_id, row.id, row.credentials);
    const opened = creds;
    tokens = await withOperation(
      recorderFor(deps.db.owner, deps.log),
      { orgId: row.org_id, type: 'token_refresh', connectionId: row.id, provider: row.provider },
      () => (connector.refresh ? connector.refresh(ctx, opened) : refreshTokens(ctx, opened)),
    );
  } catch (err) {
    const permanent = isPlexusError(err) && err.retry === 'permanent';
    tokenRefreshes.inc({ provider: row.provider, outcome: permanent ? 'revoked' : 'failed' });
    const platformSaid = err instanceof Error ? err.message.slice(0, 400) : String(err);
    const message =
      permanent && retriedAfter
        ? `The refresh token was already sent by an earlier refresh whose answer never came back (a worker paused or stopped mid-call); the platform refuses it now, so the connection must be re-authorized. Platform: ${platformSaid}`
        : platformSaid;
    // A holder no longer current writes no failure over someone else's outcome.
    await withOrgTx(deps.db.app, row.org_id, async (c) => {
      if (permanent) {
        const { rowCount } = await c.query(
          `update connections set status = 'needs_reauth', last_refresh_error = $3, refresh_failures = refresh_failures + 1,
             refresh_lease_until = null, refresh_lease_owner = null, next_refresh_at = null, updated_at = now()
           where org_id = $1 and id = $2 and refresh_generation = $4 and token_version = $5`,
          [row.org_id, row.id, message, generation, version],
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
        // Transient: keep the connection, free the lease, let the job's backoff retry. When the
        // platform answered, the token was not used and the send record goes; when the answer was
        // lost, the token may have been used, so the record stays and the next holder lets it settle.
        await c.query(
          `update connections set last_refresh_error = $3, refresh_failures = refresh_failures + 1,
             refresh_lease_until = null, refresh_lease_owner = null,
             refresh_sent_version = case when $6 then refresh_sent_version end,
             refresh_sent_by = case when $6 then refresh_sent_by end,
             refresh_sent_at = case when $6 then refresh_sent_at end, updated_at = now()
           where org_id = $1 and id = $2 and refresh_generation = $4 and token_version = $5`,
          [row.org_id, row.id, message, generation, version, answerLost(err)],
        );
      }
    });
    deps.log.warn(
      {
        connection_id: row.id,
        provider: row.provider,
        code: isPlexusError(err) ? err.code : 'internal_error',
        permanent,
        retried_after: retriedAfter,
      },
      'token refresh failed',
    );
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
  const extended =
    !exchange ||
    !tokens.expiresAt ||
    !row.expires_at ||
    tokens.expiresAt.getTime() > row.expires_at.getTime() + FIXED_END_TOLERANCE_MS;
  const due = extended ? refreshDueAt(tokens.expiresAt, now) : null;
  // Stored while our generation is current, and also when it is not but nobody stored newer
  // tokens since our send (token_version unchanged): then ours are the newest the platform
  // issued, and with rotation the only valid ones. A holder that took over and had the same
  // token refused marked the connection needs_reauth; these tokens prove the grant alive, so
  // they bring it back. A reconnect or a deauthorization (credentials gone) is never overwritten.
  const stored = await withOrgTx(deps.db.app, row.org_id, async (c) => {
    const { rows } = await c.query<{ current: boolean; was: string }>(
      `update connections n set credentials = $3, credentials_key_id = $4, expires_at = $5,
         refresh_expires_at = coalesce($6, n.refresh_expires_at), next_refresh_at = $7, status = 'active',
         last_refreshed_at = now(), last_refresh_error = null, refresh_failures = 0, token_version = n.token_version + 1,
         refresh_sent_version = null, refresh_sent_by = null, refresh_sent_at = null,
         refresh_lease_until = case when n.refresh_generation = $8 then null else n.refresh_lease_until end,
         refresh_lease_owner = case when n.refresh_generation = $8 then null else n.refresh_lease_owner end,
         updated_at = now()
       from connections o
       where n.org_id = $1 and n.id = $2 and o.org_id = n.org_id and o.id = n.id
         and n.token_version = $9 and n.status in ('active', 'needs_reauth') and n.credentials is not null
       returning (n.refresh_generation = $8) as current, o.status as was`,
      [
        row.org_id,
        row.id,
        sealed,
        sealed.kid,
        tokens.expiresAt ?? null,
        tokens.refreshExpiresAt ?? null,
        due,
        generation,
        version,
      ],
    );
    if (rows[0] && due) {
      await enqueue(
        c,
        'refresh_connection',
        { org_id: row.org_id, connection_id: row.id },
        { runAt: due, jobKey: `refresh:${row.id}` },
      );
    }
    return rows[0];
  });
  if (!stored) {
    // Someone stored newer tokens (or reconnected) since our send: theirs stand.
    deps.log.warn(
      { connection_id: row.id },
      'refresh answered after newer tokens were stored; the late answer is dropped',
    );
    return 'waited';
  }
  if (!stored.current)
    deps.log.warn(
      { connection_id: row.id, was: stored.was },
      'refresh answered after its lease was taken; no newer tokens were stored, so the late answer is kept',
    );
  return 'refreshed';
}
