import type { FastifyRequest } from 'fastify';

/** The portal session cookie (httpOnly; its value is `pxs_…`). */
export const SESSION_COOKIE = 'plexus_portal';
/** The header a portal session's writes carry its CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

/** One cookie of the request, or undefined. */
export function cookieOf(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/**
 * A session cookie: httpOnly (no script reads it), Secure when Plexus is reached over https,
 * scoped to the whole host; `sameSite` says which cross-site requests may carry it.
 */
export function httpOnlyCookie(
  name: string,
  value: string,
  maxAgeSeconds: number,
  secure: boolean,
  sameSite: 'Lax' | 'Strict',
): string {
  return [
    `${name}=${value}`,
    'Path=/',
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    `SameSite=${sameSite}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/**
 * The portal's session cookie is SameSite=Lax (never sent on another site's form posts or
 * subrequests), for the whole host because the portal page and the `/v1` API share it.
 */
export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return httpOnlyCookie(SESSION_COOKIE, value, maxAgeSeconds, secure, 'Lax');
}
