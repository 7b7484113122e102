import { createHash, randomBytes } from 'node:crypto';
import { safeEqual } from '../core/safe-equal.ts';

/**
 * A connect session's public token, also the OAuth `state`: `cs_<org>_<session>_<secret>`.
 * The ids let the callback find the session inside its org's row-level security without any
 * cross-tenant lookup; the 256-bit secret, stored only as a hash, makes it unguessable, and
 * changing the org or session part makes the hash check fail.
 */
const RE = /^cs_([0-9a-f]{32})_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

const uuid = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
const hex = (id: string) => id.replaceAll('-', '');

export function newSessionSecret(): { secret: string; hash: Buffer } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: hashSecret(secret) };
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

export function sessionToken(orgId: string, sessionId: string, secret: string): string {
  return `cs_${hex(orgId)}_${hex(sessionId)}_${secret}`;
}

export function parseSessionToken(token: string): { orgId: string; sessionId: string; secret: string } | undefined {
  const m = RE.exec(token);
  return m ? { orgId: uuid(m[1]!), sessionId: uuid(m[2]!), secret: m[3]! } : undefined;
}

export function secretMatches(secret: string, hash: Buffer): boolean {
  return safeEqual(hashSecret(secret), hash);
}
