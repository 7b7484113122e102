import { createHash, randomBytes } from 'node:crypto';
import { safeEqual } from '../core/safe-equal.ts';

/**
 * Portal secrets carry their org: `pxe_<org hex>_<secret>` enters a session once (the link a
 * host app hands its user), `pxs_<org hex>_<secret>` is the session cookie. The org id lets a
 * lookup run under that org's row-level security; the 256-bit random part is the secret.
 */
export type TokenKind = 'enter' | 'session';
const PREFIX: Record<TokenKind, string> = { enter: 'pxe', session: 'pxs' };
const TOKEN_RE = /^(pxe|pxs)_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export function newToken(kind: TokenKind, orgId: string): string {
  return `${PREFIX[kind]}_${orgId.replaceAll('-', '')}_${randomBytes(32).toString('base64url')}`;
}

export function parseToken(kind: TokenKind, token: string | undefined): { orgId: string } | undefined {
  const m = token ? TOKEN_RE.exec(token) : null;
  if (!m || m[1] !== PREFIX[kind]) return undefined;
  const h = m[2]!;
  return { orgId: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` };
}

export const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();

/**
 * The session's CSRF token, derived from its cookie: bound to that one session, never stored,
 * and unknown to a page on another site (which can make the browser send the cookie but can
 * read neither the cookie nor the API's answer that carries this token).
 */
export const csrfTokenOf = (sessionToken: string): string =>
  createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url');

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfMatches(sessionToken: string, presented: string | undefined): boolean {
  return !!presented && safeEqual(presented, csrfTokenOf(sessionToken));
}
