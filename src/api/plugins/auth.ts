import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { safeEqual } from '../../core/safe-equal.ts';
import { plexusError } from '../../core/errors.ts';
import type { Pool } from '../../db/pool.ts';
import { authenticateApiKey } from '../../tenancy/api-keys.ts';
import { AttemptLimiter, AUTH_FAILURES_PER_MINUTE } from '../../security/attempt-limiter.ts';
import { systemClock, type Clock } from '../../core/clock.ts';
import { CSRF_HEADER, SESSION_COOKIE, cookieOf } from '../../portal/cookies.ts';
import { sessionOfCookie } from '../../portal/store.ts';
import { csrfMatches } from '../../portal/tokens.ts';

/** A request made from the org portal, signed in by its session cookie. */
export interface PortalAuth {
  sessionId: string;
  readOnly: boolean;
  sections: string[];
  /** The cookie value: the session's CSRF token is derived from it. */
  token: string;
}

export interface AuthContext {
  orgId: string;
  /** The API key of the request; null for a portal session. */
  keyId: string | null;
  portal?: PortalAuth;
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

/** An address that sent too many missing or wrong credentials waits before any more are looked at. */
function refuseWhileBlocked(failures: AttemptLimiter, req: FastifyRequest, credential: string): void {
  const wait = failures.blockedFor(req.ip);
  if (wait > 0)
    throw plexusError('rate_limited', {
      message: `Too many requests with a missing or wrong ${credential} from this address.`,
      retryAfterMs: wait,
    });
}

/**
 * Org API key authentication for every route registered inside this scope; without a key, a
 * portal session cookie signs the request into that session's org (see `guardPortalRequest`). An address that
 * sent too many missing or wrong keys is refused before its key is looked up, so a flood of
 * random keys costs no database work (and cannot slow down the valid ones).
 */
export function requireApiKey(
  scope: FastifyInstance,
  app: Pool,
  clock: Clock = systemClock,
  failures: AttemptLimiter = new AttemptLimiter(AUTH_FAILURES_PER_MINUTE, 60_000),
): void {
  scope.decorateRequest('auth', null);
  scope.addHook('onRequest', async (req) => {
    refuseWhileBlocked(failures, req, 'API key');
    const key = bearer(req);
    const portalCookie = key ? undefined : cookieOf(req, SESSION_COOKIE);
    if (portalCookie) {
      const session = await sessionOfCookie(app, portalCookie, clock.now());
      if (!session) {
        failures.hit(req.ip);
        throw plexusError('portal_session_invalid');
      }
      req.auth = {
        orgId: session.org_id,
        keyId: null,
        portal: {
          sessionId: session.id,
          readOnly: session.mode === 'read_only',
          sections: session.sections,
          token: portalCookie,
        },
      };
      guardPortalRequest(req, req.auth.portal!);
      return;
    }
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

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/**
 * What only the host app may do with its API key, never a portal user: manage keys and portal
 * sessions, and change or erase the org itself (its name, retention, portal settings).
 */
const HOST_ONLY_ROUTES = [/^\/v1\/api-keys(\/|$)/, /^\/v1\/portal-sessions(\/|$)/];
const HOST_ONLY_WRITES = [/^\/v1\/org(\/|$)/];

/**
 * A portal session's limits: every write carries the session's CSRF token (a page on another
 * site can make the browser send the cookie, never this header), a read-only session writes
 * nothing, and host-only routes are refused.
 */
function guardPortalRequest(req: FastifyRequest, portal: PortalAuth): void {
  const route = req.routeOptions.url ?? req.url;
  const write = !SAFE_METHODS.has(req.method);
  if (HOST_ONLY_ROUTES.some((r) => r.test(route)) || (write && HOST_ONLY_WRITES.some((r) => r.test(route)))) {
    throw plexusError('forbidden', {
      message: 'The portal cannot do this; the host application does it with its API key.',
    });
  }
  if (!write) return;
  const presented = req.headers[CSRF_HEADER];
  if (!csrfMatches(portal.token, typeof presented === 'string' ? presented : undefined))
    throw plexusError('csrf_failed');
  if (portal.readOnly) throw plexusError('portal_read_only');
}

/** The org of an authenticated request (routes in an API-key scope only). */
export function orgOf(req: FastifyRequest): string {
  if (!req.auth) throw plexusError('missing_api_key');
  return req.auth.orgId;
}

/**
 * Admin token for system routes; with no token configured every call is refused. Without a
 * bearer token, `session` may sign the request in (the operator console's cookie).
 */
export function requireAdminToken(
  scope: FastifyInstance,
  token: string | undefined,
  opts: { failures?: AttemptLimiter; session?: (req: FastifyRequest) => boolean } = {},
): void {
  const failures = opts.failures ?? new AttemptLimiter(AUTH_FAILURES_PER_MINUTE, 60_000);
  const expected = token ? createHash('sha256').update(token).digest() : undefined;
  scope.addHook('onRequest', async (req) => {
    refuseWhileBlocked(failures, req, 'token');
    if (!expected) throw plexusError('forbidden', { message: 'Admin routes are disabled: set PLEXUS_ADMIN_TOKEN.' });
    const given = bearer(req);
    if (!given && opts.session?.(req)) return;
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
