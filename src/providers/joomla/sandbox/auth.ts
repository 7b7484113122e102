/**
 * Joomla's "API Authentication – Token" plugin: `Authorization: Bearer <token>` ("Bearer " is
 * case-sensitive) and otherwise `X-Joomla-Token`. A token is base64("<algo>:<userId>:<hex HMAC>")
 * where the HMAC keys the site secret over the user's decoded seed; the token must be enabled,
 * the user active and in an allowed group (Super Users by default).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { header, type SandboxRequest } from '../../../sandbox/kit/server.ts';

export interface JoomlaUser {
  id: number;
  username: string;
  name: string;
  groups: number[];
  blocked: boolean;
  /** base64 seed stored in #__user_profiles `joomlatoken.token`. */
  tokenSeed: string;
  tokenEnabled: boolean;
}

export const SUPER_USERS = 8;

export function newSeed(): string {
  return randomBytes(32).toString('base64');
}

export function makeToken(user: JoomlaUser, siteSecret: string, algo: 'sha256' | 'sha512' = 'sha256'): string {
  const hmac = createHmac(algo, siteSecret).update(Buffer.from(user.tokenSeed, 'base64')).digest('hex');
  return Buffer.from(`${algo}:${user.id}:${hmac}`).toString('base64');
}

export function authenticate(
  req: SandboxRequest,
  users: readonly JoomlaUser[],
  siteSecret: string,
  allowedGroups: readonly number[],
): JoomlaUser | undefined {
  const auth = header(req, 'authorization');
  const token = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : header(req, 'x-joomla-token')?.trim();
  if (!token) return undefined;
  const parts = Buffer.from(token, 'base64').toString('utf8').split(':');
  if (parts.length !== 3) return undefined;
  const [algo, id, given] = parts as [string, string, string];
  if (algo !== 'sha256' && algo !== 'sha512') return undefined;
  const user = users.find((u) => String(u.id) === id);
  if (!user || !user.tokenEnabled || user.blocked) return undefined;
  const expected = createHmac(algo, siteSecret).update(Buffer.from(user.tokenSeed, 'base64')).digest('hex');
  if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return undefined;
  if (allowedGroups.length && !user.groups.some((g) => allowedGroups.includes(g))) return undefined;
  return user;
}
