import { isPlexusError, plexusError } from '../core/errors.ts';
import { withOrgTx } from '../db/tx.ts';
import { connectorFor, type ProviderId, providers } from '../providers/registry.ts';
import type { Connector, ConnectorContext } from '../providers/contracts/connector.ts';
import { connectorContext } from '../providers/context.ts';
import { openCredentials, type DecryptedCredentials } from '../vault/credentials.ts';
import { pacedContext } from './pacing.ts';
import { refreshConnection, type RefreshDeps } from './refresh.ts';
import { getConnection, type ConnectionRow } from './repo.ts';
import { clearVersionError, recordVersionError } from './version-error.ts';
import { configuredVersion } from '../providers/version-lifecycle.ts';

/** Refresh before a call when the token has less than this left. */
const EXPIRY_MARGIN_MS = 60_000;

export interface Authed {
  row: ConnectionRow;
  connector: Connector;
  ctx: ConnectorContext;
  creds: DecryptedCredentials;
}

async function load(deps: RefreshDeps, orgId: string, connectionId: string): Promise<Authed> {
  const row = await withOrgTx(deps.db.app, orgId, (c) => getConnection(c, orgId, connectionId));
  if (!row) throw plexusError('not_found', { message: 'No such connection.' });
  if (row.status === 'needs_reauth')
    throw plexusError('provider.auth_revoked', { message: 'The connection needs to be re-authorized.' });
  if (row.status !== 'active' || !row.credentials)
    throw plexusError('conflict', { message: `The connection is ${row.status}.` });
  const id = row.provider as ProviderId;
  // Every call to a site (identity checks, polls, syncs, publishes) spends from its one budget.
  const base = connectorContext(deps, id, row.config);
  const ctx =
    providers[id].family === 'cms' ? pacedContext(deps.db.owner, base, row.external_account_id ?? connectionId) : base;
  return {
    row,
    connector: connectorFor(id),
    ctx,
    creds: await openCredentials(deps.keyring, orgId, connectionId, row.credentials),
  };
}

function canRefresh(row: ConnectionRow): boolean {
  const auth = providers[row.provider as ProviderId].auth;
  return auth.refresh !== 'none';
}

/**
 * Runs `fn` with a connection's live credentials: a token about to expire is refreshed
 * first, and a 401 from the platform triggers one refresh and one retry. Both refreshes go
 * through the single-flight lease, so concurrent callers share one refresh.
 */
export async function withConnection<T>(
  deps: RefreshDeps,
  orgId: string,
  connectionId: string,
  fn: (a: Authed) => Promise<T>,
): Promise<T> {
  let a = await load(deps, orgId, connectionId);
  if (
    canRefresh(a.row) &&
    a.row.expires_at &&
    a.row.expires_at.getTime() - deps.clock.now().getTime() < EXPIRY_MARGIN_MS
  ) {
    await refreshConnection(deps, orgId, connectionId, { kind: 'forced', seenVersion: a.row.token_version });
    a = await load(deps, orgId, connectionId);
  }
  try {
    return await noteVersionError(deps, a, () => fn(a));
  } catch (err) {
    if (!isPlexusError(err) || err.code !== 'provider.auth_expired' || !canRefresh(a.row)) throw err;
    const outcome = await refreshConnection(deps, orgId, connectionId, {
      kind: 'forced',
      seenVersion: a.row.token_version,
    });
    if (outcome === 'needs_reauth')
      throw plexusError('provider.auth_revoked', {
        message: 'The platform refused to refresh the token; the connection needs to be re-authorized.',
      });
    const fresh = await load(deps, orgId, connectionId);
    return noteVersionError(deps, fresh, () => fn(fresh));
  }
}

/**
 * A platform that refuses the API version (its sunset passed) leaves that answer on the
 * connection (`api_version_error`), so it shows there instead of as one more failed job; the
 * next call that succeeds clears it.
 */
async function noteVersionError<T>(deps: RefreshDeps, a: Authed, call: () => Promise<T>): Promise<T> {
  try {
    const out = await call();
    if (a.row.api_version_error) await clearVersionError(deps, a.row.org_id, a.row.id);
    return out;
  } catch (err) {
    if (isPlexusError(err) && err.code === 'provider.version_sunset')
      await recordVersionError(deps, a.row.org_id, a.row.id, configuredVersion(a.ctx.def, deps.apps), err);
    throw err;
  }
}
