import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { safeEqual } from '../../core/safe-equal.ts';
import { plexusError } from '../../core/errors.ts';
import type { Pool } from '../../db/pool.ts';
import { authenticateApiKey } from '../../tenancy/api-keys.ts';
import { AttemptLimiter, AUTH_FAILURES_PER_MINUTE } from '../../security/attempt-limiter.ts';

export interface AuthContext {
  orgId: string;
  keyId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1];
}

/**
 * Org API key authentication for every route registered inside this scope. An address that
 * sent too many missing or wrong keys is refused before its key is looked up, so a flood of
 * random keys costs no database work (and cannot slow down the valid ones).
 */
export function requireApiKey(scope: FastifyInstance, app: Pool, failures: AttemptLimiter = new AttemptLimiter(AUTH_FAILURES_PER_MINUTE, 60_000)): void {
  scope.decorateRequest('auth', null);
  scope.addHook('onRequest', async (req) => {
    const wait = failures.blockedFor(req.ip);
    if (wait > 0) throw plexusError('rate_limited', { message: 'Too many requests with a missing or wrong API key from this address.', retryAfterMs: wait });
    const key = bearer(req);
    if (!key) {
      failures.hit(req.ip);
      throw plexusError('missing_api_key');
    }
    const auth = await authenticateApiKey(app, key);
    if (!auth) {
      failures.hit(req.ip);
      throw plexusError('invalid_api_key');
    }
    req.auth = auth;
  });
}

/** The org of an authenticated request (routes in an API-key scope only). */
export function orgOf(req: FastifyRequest): string {
  if (!req.auth) throw plexusError('missing_api_key');
  return req.auth.orgId;
}

/** Admin token for system routes; with no token configured every call is refused. */
export function requireAdminToken(scope: FastifyInstance, token: string | undefined, failures: AttemptLimiter = new AttemptLimiter(AUTH_FAILURES_PER_MINUTE, 60_000)): void {
  const expected = token ? createHash('sha256').update(token).digest() : undefined;
  scope.addHook('onRequest', async (req) => {
    const wait = failures.blockedFor(req.ip);
    if (wait > 0) throw plexusError('rate_limited', { message: 'Too many requests with a missing or wrong token from this address.', retryAfterMs: wait });
    if (!expected) throw plexusError('forbidden', { message: 'Admin routes are disabled: set PLEXUS_ADMIN_TOKEN.' });
    const given = bearer(req);
    if (!given) {
      failures.hit(req.ip);
      throw plexusError('missing_api_key', { message: 'An admin token is required.' });
    }
    if (!safeEqual(createHash('sha256').update(given).digest(), expected)) {
      failures.hit(req.ip);
      throw plexusError('forbidden', { message: 'Wrong admin token.' });
    }
  });
}
