import type { Pool, Queryable } from '../db/pool.ts';
import { orgRowById } from '../db/by-id.ts';
import { withOrgTx } from '../db/tx.ts';
import type { PortalMode } from './sections.ts';
import { hashToken, newToken, parseToken } from './tokens.ts';
import { firstRow } from '../db/first-row.ts';

/** How long the enter link works before it is used. */
export const ENTER_TTL_SECONDS = 120;

export interface PortalSessionRow {
  org_id: string;
  id: string;
  mode: PortalMode;
  sections: string[];
  end_user_ref: string | null;
  lifetime_seconds: number;
  enter_expires_at: Date;
  entered_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

const COLUMNS =
  'org_id, id, mode, sections, end_user_ref, lifetime_seconds, enter_expires_at, entered_at, expires_at, revoked_at, created_at';

export interface NewPortalSession {
  mode: PortalMode;
  sections: string[];
  endUserRef: string | null;
  lifetimeSeconds: number;
  keyId: string | null;
  /** How long the link may wait to be used (default ENTER_TTL_SECONDS). */
  enterTtlSeconds?: number;
}

/** A new session in the caller's org transaction; the enter token is returned once and only its hash kept. */
export async function createPortalSession(
  c: Queryable,
  orgId: string,
  s: NewPortalSession,
  now: Date,
): Promise<{ row: PortalSessionRow; enterToken: string }> {
  const enterToken = newToken('enter', orgId);
  const { rows } = await c.query<PortalSessionRow>(
    `insert into portal_sessions (org_id, enter_hash, mode, sections, end_user_ref, created_by_key, lifetime_seconds, enter_expires_at, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning ${COLUMNS}`,
    [
      orgId,
      hashToken(enterToken),
      s.mode,
      s.sections,
      s.endUserRef,
      s.keyId,
      s.lifetimeSeconds,
      new Date(now.getTime() + (s.enterTtlSeconds ?? ENTER_TTL_SECONDS) * 1000),
      now,
    ],
  );
  return { row: rows[0]!, enterToken };
}

/**
 * Swaps an enter token for a session cookie value, once: the update only matches a session
 * not yet entered, not revoked and within its enter window, so a replayed link finds nothing.
 */
export async function enterPortalSession(
  app: Pool,
  enterToken: string,
  now: Date,
): Promise<{ row: PortalSessionRow; sessionToken: string } | undefined> {
  const parsed = parseToken('enter', enterToken);
  if (!parsed) return undefined;
  const sessionToken = newToken('session', parsed.orgId);
  const row = await withOrgTx(app, parsed.orgId, async (c) => {
    return firstRow<PortalSessionRow>(
      c,
      `update portal_sessions set entered_at = $3, expires_at = $3 + make_interval(secs => lifetime_seconds), session_hash = $4
       where org_id = $1 and enter_hash = $2 and entered_at is null and revoked_at is null and enter_expires_at > $3
       returning ${COLUMNS}`,
      [parsed.orgId, hashToken(enterToken), now, hashToken(sessionToken)],
    );
  });
  return row ? { row, sessionToken } : undefined;
}

/** The live session behind a cookie value: entered, not revoked, not expired. */
export async function sessionOfCookie(
  app: Pool,
  sessionToken: string | undefined,
  now: Date,
): Promise<PortalSessionRow | undefined> {
  const parsed = parseToken('session', sessionToken);
  if (!parsed || !sessionToken) return undefined;
  return withOrgTx(app, parsed.orgId, async (c) => {
    return firstRow<PortalSessionRow>(
      c,
      `select ${COLUMNS} from portal_sessions where org_id = $1 and session_hash = $2 and revoked_at is null and expires_at > $3`,
      [parsed.orgId, hashToken(sessionToken), now],
    );
  });
}

export async function getPortalSession(c: Queryable, orgId: string, id: string): Promise<PortalSessionRow | undefined> {
  return orgRowById<PortalSessionRow>(c, 'portal_sessions', COLUMNS, orgId, id);
}

/** Revokes a session (entered or not); the answer is the row, or undefined when there is none. */
export async function revokePortalSession(
  c: Queryable,
  orgId: string,
  id: string,
  now: Date,
): Promise<PortalSessionRow | undefined> {
  return firstRow<PortalSessionRow>(
    c,
    `update portal_sessions set revoked_at = coalesce(revoked_at, $3) where org_id = $1 and id = $2 returning ${COLUMNS}`,
    [orgId, id, now],
  );
}

/** What a portal session tells of itself: its mode, sections and expiry, with its org's name. */
export type PortalSessionView = Pick<PortalSessionRow, 'mode' | 'sections' | 'expires_at'> & { org_name: string };

/** A portal session with its org's name, for the session's own description of itself. */
export async function portalSessionWithOrg(
  c: Queryable,
  orgId: string,
  id: string,
): Promise<PortalSessionView | undefined> {
  return firstRow<PortalSessionView>(
    c,
    'select s.mode, s.sections, s.expires_at, o.name as org_name from portal_sessions s join orgs o on o.id = s.org_id where s.org_id = $1 and s.id = $2',
    [orgId, id],
  );
}
