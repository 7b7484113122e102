import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { plexusError } from '../../../core/errors.ts';
import { withOrgTx } from '../../../db/tx.ts';
import { ensureWebBuilt, WEB_OUT, type WebManifest } from '../../../assets/bundle.ts';
import { SESSION_COOKIE, cookieOf, sessionCookie } from '../../../portal/cookies.ts';
import { getPortalSettings, frameAncestors } from '../../../portal/settings.ts';
import { enterPortalSession, sessionOfCookie } from '../../../portal/store.ts';
import { parseToken } from '../../../portal/tokens.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};
const ASSET_RE = /^[a-z]+\/[A-Za-z0-9_-]+(\.[A-Za-z]+){1,3}$/;

/**
 * The portal's pages: `/portal/enter` swaps a single-use link for the session cookie, `/portal/…`
 * serves the app's page (the app then talks to `/v1` only), `/portal/assets/…` its bundle.
 * The bundle is built in the background when the server starts, if missing or stale.
 */
export async function portalPageRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  let bundle: Promise<WebManifest> | undefined;
  const manifest = () =>
    (bundle ??= ensureWebBuilt().catch((err: unknown) => {
      bundle = undefined;
      throw err;
    }));
  // Started now so the first visitor does not wait; a failure is retried by that visitor.
  manifest().catch((err: unknown) => deps.log.error({ err }, 'building the portal bundle failed'));

  const secure = (req: FastifyRequest) => req.protocol === 'https' || deps.publicUrl().startsWith('https:');

  /** Headers of every portal page: framing only by the org's allowed origins, nothing inline, no referrer (the enter link is a secret). */
  const pageHeaders = async (reply: FastifyReply, orgId: string | undefined) => {
    const settings = orgId ? await withOrgTx(deps.db.app, orgId, (c) => getPortalSettings(c, orgId)) : undefined;
    reply.header(
      'content-security-policy',
      `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https: http:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors ${frameAncestors(settings)}`,
    );
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'no-store');
  };

  app.get('/portal/enter', { schema: { hide: true } }, async (req, reply) => {
    const token = (req.query as { token?: unknown }).token;
    const entered =
      typeof token === 'string' ? await enterPortalSession(deps.db.app, token, deps.clock.now()) : undefined;
    await pageHeaders(reply, typeof token === 'string' ? parseToken('enter', token)?.orgId : undefined);
    if (!entered) {
      return reply
        .status(401)
        .type('text/html; charset=utf-8')
        .send(
          message(
            'This portal link has already been used or has expired. Open the portal again from your application.',
          ),
        );
    }
    reply.header('set-cookie', sessionCookie(entered.sessionToken, entered.row.lifetime_seconds, secure(req)));
    return reply.redirect('/portal/', 303);
  });

  const shell = async (req: FastifyRequest, reply: FastifyReply) => {
    const session = await sessionOfCookie(deps.db.app, cookieOf(req, SESSION_COOKIE), deps.clock.now());
    await pageHeaders(reply, session?.org_id);
    const files = (await manifest()).apps.portal;
    if (!files) throw new Error('the portal bundle has no portal app');
    return reply.type('text/html; charset=utf-8').send(page(files));
  };
  app.get('/portal', { schema: { hide: true } }, shell);
  app.get('/portal/*', { schema: { hide: true } }, shell);

  app.get('/portal/assets/*', { schema: { hide: true } }, async (req, reply) => {
    const name = (req.params as { '*': string })['*'];
    if (!ASSET_RE.test(name)) throw plexusError('not_found', { message: 'No such asset.' });
    await manifest();
    const body = await readFile(path.join(WEB_OUT, name)).catch(() => undefined);
    if (!body) throw plexusError('not_found', { message: 'No such asset.' });
    // Names carry a hash of their content: a changed file has a new name, so this one never changes.
    reply.header('cache-control', 'public, max-age=31536000, immutable');
    reply.header('x-content-type-options', 'nosniff');
    return reply.type(CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream').send(body);
  });
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function page(files: { js: string; css?: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Integrations</title>
${files.css ? `<link rel="stylesheet" href="/portal/assets/${escapeHtml(files.css)}">` : ''}
<script type="module" src="/portal/assets/${escapeHtml(files.js)}"></script>
</head>
<body><div id="app"></div></body>
</html>`;
}

function message(text: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal</title></head><body><main><h1>Portal</h1><p>${escapeHtml(text)}</p></main></body></html>`;
}
