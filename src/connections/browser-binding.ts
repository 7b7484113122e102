import { createHash, randomBytes } from 'node:crypto';
import { safeEqual } from '../core/safe-equal.ts';

/**
 * Binds a connect session to the browser that opened it: the connect page sets a random value
 * as an HttpOnly cookie when it sends the browser to the platform, the session keeps only its
 * hash, and the callback must bring the same cookie. A state or code that leaked, or was
 * obtained in another browser, cannot complete someone else's session (login CSRF, code
 * injection). SameSite=Lax: the cookie rides along on the platform's top-level redirect back.
 */
export const bindingCookieName = (sessionId: string) => `plexus_connect_${sessionId.replaceAll('-', '')}`;

export function newBinding(): { value: string; hash: Buffer } {
  const value = randomBytes(32).toString('base64url');
  return { value, hash: createHash('sha256').update(value).digest() };
}

export function bindingCookie(sessionId: string, value: string, secure: boolean): string {
  return `${bindingCookieName(sessionId)}=${value}; Path=/oauth/callback; Max-Age=900; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

export function bindingMatches(value: string | undefined, hash: Buffer | null): boolean {
  if (!hash) return false;
  if (!value) return false;
  return safeEqual(createHash('sha256').update(value).digest(), hash);
}
