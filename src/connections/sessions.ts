import { plexusError } from '../core/errors.ts';
import { orgRowById } from '../db/by-id.ts';
import type { Pool, Queryable } from '../db/pool.ts';
import { withOrgTx } from '../db/tx.ts';
import type { ProviderApps } from '../providers/apps.ts';
import { listProviders, type ProviderId } from '../providers/registry.ts';
import { newSessionSecret, parseSessionToken, secretMatches, sessionToken } from './session-token.ts';

export const SESSION_TTL_MS = 10 * 60 * 1000;

export interface SessionRow {
  org_id: string;
  id: string;
  /** The platform picked: null until the person picks one of several. */
  provider: ProviderId | null;
  /** The platforms the session offers (one for a single-platform session). */
  providers: ProviderId[];
  /** The origin of the page that opened the connect window, which alone is told the outcome. */
  web_origin: string | null;
  status: 'pending' | 'redirected' | 'completed' | 'failed' | 'expired';
  secret_hash: Buffer;
  scopes: string[];
  end_user_ref: string | null;
  return_url: string | null;
  config: Record<string, string>;
  flow_secret: unknown;
  connection_id: string | null;
  error_code: string | null;
  error_message: string | null;
  expires_at: Date;
  used_at: Date | null;
  created_at: Date;
  credential_attempts: number;
  browser_binding: Buffer | null;
}

/** The status a client sees: a session still open past its expiry reads as expired, though no job has marked it. */
export function sessionStatus(s: Pick<SessionRow, 'status' | 'expires_at'>, now: Date): SessionRow['status'] {
  return s.status !== 'completed' && s.status !== 'failed' && s.expires_at.getTime() < now.getTime()
    ? 'expired'
    : s.status;
}
/** A session whose platform is known: the only kind a connect flow runs on. */
export type ChosenSession = SessionRow & { provider: ProviderId };

export interface NewSession {
  /** One platform, or several for the person to pick from. */
  providers: readonly ProviderId[];
  scopes: string[];
  webOrigin?: string | undefined;
  endUserRef?: string | undefined;
  returnUrl?: string | undefined;
  connectionId?: string | undefined;
}

export async function createSession(
  client: Queryable,
  orgId: string,
  s: NewSession,
  now: Date,
): Promise<{ row: SessionRow; token: string }> {
  const { secret, hash } = newSessionSecret();
  const { rows } = await client.query<SessionRow>(
    `insert into connect_sessions (org_id, provider, providers, secret_hash, scopes, end_user_ref, return_url, web_origin, connection_id, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *`,
    [
      orgId,
      s.providers.length === 1 ? s.providers[0] : null,
      s.providers,
      hash,
      s.scopes,
      s.endUserRef ?? null,
      s.returnUrl ?? null,
      s.webOrigin ?? null,
      s.connectionId ?? null,
      new Date(now.getTime() + SESSION_TTL_MS),
    ],
  );
  const row = rows[0]!;
  return { row, token: sessionToken(orgId, row.id, secret) };
}

/** A session of the org by id, whatever its status. */
export async function getSession(client: Queryable, orgId: string, id: string): Promise<SessionRow | undefined> {
  return orgRowById<SessionRow>(client, 'connect_sessions', '*', orgId, id);
}

/**
 * What a session offers when the host names no platform: every platform this instance can
 * connect, i.e. credential platforms and the OAuth platforms whose app is configured.
 */
export function offeredProviders(apps: ProviderApps): ProviderId[] {
  return listProviders()
    .filter((p) => (p.auth.kind !== 'oauth2' && p.auth.kind !== 'oauth1a') || !!apps[p.id].clientId)
    .map((p) => p.id);
}

/**
 * Records the platform the person picked, if the session offers it and is not used yet;
 * undefined otherwise. Picking again (after going back) replaces the choice.
 */
export async function chooseProvider(app: Pool, s: SessionRow, provider: string): Promise<ChosenSession | undefined> {
  if (!(s.providers as string[]).includes(provider)) return undefined;
  if (s.provider === provider) return s as ChosenSession;
  const { rows } = await withOrgTx(app, s.org_id, (c) =>
    c.query<ChosenSession>(
      'update connect_sessions set provider = $3 where org_id = $1 and id = $2 and used_at is null and $3 = any(providers) returning *',
      [s.org_id, s.id, provider],
    ),
  );
  return rows[0];
}

export type SessionProblem = 'invalid' | 'expired' | 'used';

/**
 * Finds the session a token (or OAuth state) names, inside its org's RLS context, and checks
 * the secret in constant time. `forCallback` also requires the session not to be used yet.
 */
export async function loadSession(
  app: Pool,
  token: string,
  now: Date,
): Promise<{ session: SessionRow } | { problem: SessionProblem; session?: SessionRow }> {
  const parsed = parseSessionToken(token);
  if (!parsed) return { problem: 'invalid' };
  const row = await withOrgTx(app, parsed.orgId, (c) => getSession(c, parsed.orgId, parsed.sessionId));
  if (!row || !secretMatches(parsed.secret, row.secret_hash)) return { problem: 'invalid' };
  if (row.used_at || row.status === 'completed' || row.status === 'failed') return { problem: 'used', session: row };
  if (row.expires_at.getTime() <= now.getTime()) return { problem: 'expired', session: row };
  return { session: row };
}

/** Marks the session used; false when another request used it first (a replayed state). */
export async function claimSession(client: Queryable, s: SessionRow): Promise<boolean> {
  const { rowCount } = await client.query(
    "update connect_sessions set used_at = now() where org_id = $1 and id = $2 and used_at is null and status in ('pending', 'redirected')",
    [s.org_id, s.id],
  );
  return rowCount === 1;
}

export async function failSession(
  app: Pool,
  s: Pick<SessionRow, 'org_id' | 'id'>,
  code: string,
  message: string,
): Promise<void> {
  await withOrgTx(app, s.org_id, (c) =>
    c.query(
      "update connect_sessions set status = 'failed', error_code = $3, error_message = $4, used_at = coalesce(used_at, now()) where org_id = $1 and id = $2 and status <> 'completed'",
      [s.org_id, s.id, code, message.slice(0, 500)],
    ),
  );
}

export function sessionError(problem: SessionProblem) {
  const messages: Record<SessionProblem, string> = {
    invalid: 'This connect link is not valid.',
    expired: 'This connect link has expired; start again from the application.',
    used: 'This connect link was already used; start again from the application.',
  };
  return plexusError(problem === 'invalid' ? 'not_found' : 'conflict', {
    message: messages[problem],
    details: { reason: `session_${problem}` },
  });
}

/** Counts one wrong credential submission on the session; returns the count so far. */
export async function countCredentialAttempt(app: Pool, s: Pick<SessionRow, 'org_id' | 'id'>): Promise<number> {
  const { rows } = await withOrgTx(app, s.org_id, (c) =>
    c.query<{ n: number }>(
      'update connect_sessions set credential_attempts = credential_attempts + 1 where org_id = $1 and id = $2 returning credential_attempts as n',
      [s.org_id, s.id],
    ),
  );
  return rows[0]?.n ?? 0;
}
