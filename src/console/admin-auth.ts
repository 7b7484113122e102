import type { FastifyRequest } from 'fastify';
import { plexusError } from '../core/errors.ts';
import { cookieOf } from '../portal/cookies.ts';
import { CONSOLE_COOKIE, CONSOLE_CSRF_HEADER, type ConsoleSessions } from './session.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Signs an admin-route request in by the console's cookie. A write must also carry the
 * session's CSRF token in a header, which a page on another site cannot read nor set.
 */
export function consoleSessionAuth(sessions: ConsoleSessions): (req: FastifyRequest) => boolean {
  return (req) => {
    const value = cookieOf(req, CONSOLE_COOKIE);
    if (!sessions.verify(value)) return false;
    const presented = req.headers[CONSOLE_CSRF_HEADER];
    if (
      !SAFE_METHODS.has(req.method) &&
      !sessions.csrfMatches(value!, typeof presented === 'string' ? presented : undefined)
    ) {
      throw plexusError('csrf_failed', {
        message: 'A console write must carry the session’s CSRF token in the X-CSRF-Token header.',
      });
    }
    return true;
  };
}
