import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { ensureWebBuilt, WEB_OUT, type WebManifest } from '../../../assets/bundle.ts';
import { cookieOf } from '../../../portal/cookies.ts';
import { AttemptLimiter, AUTH_FAILURES_PER_MINUTE } from '../../../security/attempt-limiter.ts';
import {
  CONSOLE_COOKIE,
  CONSOLE_SESSION_SECONDS,
  consoleCookie,
  type ConsoleSessions,
} from '../../../console/session.ts';
import { signInPage } from '../../../console/sign-in-view.ts';
import { signInStrings } from '../../../console/strings.ts';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};
// Only the console's own bundle files: `console/main-<hash>.js` and the like.
const ASSET = /^console\/[A-Za-z0-9_-]+(\.[A-Za-z]+){1,3}$/;

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * The operator console at `/console`: a sign-in form that swaps the admin token for a session
 * cookie, sign-out, the app's page and bundle. The app talks to `/v1/admin/…` with the cookie.
 */
export async function consolePageRoutes(
  app: FastifyInstance,
  deps: AppDeps & { consoleSessions: ConsoleSessions },
): Promise<void> {
  const sessions = deps.consoleSessions;
  const failures = new AttemptLimiter(AUTH_FAILURES_PER_MINUTE, 60_000);
  let bundle: Promise<WebManifest> | undefined;
  const manifest = () =>
    (bundle ??= ensureWebBuilt().catch((err: unknown) => {
      bundle = undefined;
      throw err;
    }));
  const files = async () => (await manifest()).apps.console;

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  const secure = (req: FastifyRequest) => req.protocol === 'https' || deps.publicUrl().startsWith('https:');
  const html = (reply: FastifyReply, status: number, body: string) =>
    reply
      .status(status)
      .header('content-security-policy', CSP)
      .header('referrer-policy', 'same-origin')
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(body);
  const signIn = async (reply: FastifyReply, status: number, msg: { error?: string; notice?: string } = {}) =>
    html(reply, status, signInPage({ css: (await files())?.css, ...msg }));
  const current = (req: FastifyRequest) => {
    const value = cookieOf(req, CONSOLE_COOKIE);
    const expiresAt = sessions.verify(value);
    return expiresAt ? { value: value!, expiresAt } : undefined;
  };
  // A form post from another site (login CSRF) says so in Sec-Fetch-Site, or names that site as its Origin.
  const sameOrigin = (req: FastifyRequest) => {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined) return site === 'same-origin' || site === 'none';
    const origin = req.headers.origin;
    return (
      origin === undefined ||
      origin === `${req.protocol}://${req.headers.host}` ||
      origin === new URL(deps.publicUrl()).origin
    );
  };

  app.get('/console/sign-in', { schema: { hide: true } }, async (req, reply) => {
    if (current(req)) return reply.redirect('/console/', 303);
    return signIn(
      reply,
      200,
      (req.query as { signed_out?: string }).signed_out !== undefined ? { notice: signInStrings.signedOut } : {},
    );
  });

  app.post<{ Body: Record<string, string> }>('/console/sign-in', { schema: { hide: true } }, async (req, reply) => {
    if (!sameOrigin(req)) return signIn(reply, 403, { error: signInStrings.otherSite });
    if (!sessions.enabled) return signIn(reply, 403, { error: signInStrings.disabled });
    const wait = failures.blockedFor(req.ip);
    if (wait > 0) {
      reply.header('retry-after', Math.ceil(wait / 1000));
      return signIn(reply, 429, { error: signInStrings.tooMany });
    }
    const token = typeof req.body?.token === 'string' ? req.body.token : '';
    if (!token || !sessions.tokenMatches(token)) {
      failures.hit(req.ip);
      return signIn(reply, 401, { error: signInStrings.wrongToken });
    }
    const s = sessions.issue();
    reply.header('set-cookie', consoleCookie(s.value, CONSOLE_SESSION_SECONDS, secure(req)));
    return reply.redirect('/console/', 303);
  });

  app.post<{ Body: Record<string, string> }>('/console/sign-out', { schema: { hide: true } }, async (req, reply) => {
    const s = current(req);
    if (s) {
      const presented = typeof req.body?.csrf === 'string' ? req.body.csrf : undefined;
      if (!sameOrigin(req) || !sessions.csrfMatches(s.value, presented))
        return reply.status(403).send({ error: { code: 'csrf_failed', message: 'Sign out from the console itself.' } });
      sessions.end(s.value);
    }
    reply.header('set-cookie', consoleCookie('', 0, secure(req)));
    return reply.redirect('/console/sign-in?signed_out', 303);
  });

  /** The app's start: the session's CSRF token and expiry (the cookie itself stays unreadable to script). */
  app.get('/console/session', { schema: { hide: true } }, async (req, reply) => {
    const s = current(req);
    reply.header('cache-control', 'no-store');
    if (!s) return reply.status(401).send({ error: { code: 'missing_api_key', message: 'Sign in to the console.' } });
    return { csrf_token: sessions.csrfOf(s.value), expires_at: s.expiresAt.toISOString() };
  });

  const shell = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!current(req)) return reply.redirect('/console/sign-in', 303);
    const f = await files();
    if (!f) throw new Error('the web bundle has no console app');
    return html(
      reply,
      200,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Plexus console</title>${
        f.css ? `<link rel="stylesheet" href="/console/assets/${f.css}">` : ''
      }<script type="module" src="/console/assets/${f.js}"></script></head><body><div id="app"></div></body></html>`,
    );
  };
  app.get('/console', { schema: { hide: true } }, shell);
  app.get('/console/*', { schema: { hide: true } }, shell);

  app.get('/console/assets/*', { schema: { hide: true } }, async (req, reply) => {
    const name = (req.params as { '*': string })['*'];
    await manifest();
    const body = ASSET.test(name) ? await readFile(path.join(WEB_OUT, name)).catch(() => undefined) : undefined;
    if (!body) return reply.status(404).send({ error: { code: 'not_found', message: 'No such asset.' } });
    // Hashed names: a changed file gets a new name, so this one is cached for good.
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .type(TYPES[path.extname(name)] ?? 'application/octet-stream')
      .send(body);
  });
}
