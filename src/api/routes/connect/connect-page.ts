import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { isPlexusError, plexusError, type PlexusError } from '../../../core/errors.ts';
import { beginAuthorization, handleCallback, submitCredentials, type ConnectDeps } from '../../../connections/flow.ts';
import { bindingCookie, bindingCookieName, readCookie } from '../../../connections/browser-binding.ts';
import { countCredentialAttempt, failSession, loadSession, sessionError, type SessionRow } from '../../../connections/sessions.ts';
import { AttemptLimiter, CONNECT_ATTEMPTS_PER_ADDRESS, CONNECT_ATTEMPTS_PER_SESSION } from '../../../security/attempt-limiter.ts';
import { isProviderId, providers } from '../../../providers/registry.ts';
import type { AppDeps } from '../../deps.ts';
import { connectPage, resultPage } from './views.ts';
import { recorderFor } from '../../../operations/recorder.ts';
import { withOperation } from '../../../operations/run.ts';

type Form = Record<string, string>;

/**
 * The browser side of connecting: the connect page, its form posts, and the OAuth callback.
 * Every outcome is a page (or a redirect to the host app's return URL), never a JSON 500.
 */
export const connectPageRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  const credentialFailures = new AttemptLimiter(CONNECT_ATTEMPTS_PER_ADDRESS, 15 * 60_000);
  const cdeps = (): ConnectDeps => ({ ...deps.providers, db: deps.db, keyring: deps.keyring, log: deps.log, publicUrl: deps.publicUrl(), ssrf: deps.ssrf });

  const finish = (reply: FastifyReply, session: SessionRow | undefined, outcome: { connectionId?: string; error?: PlexusError }) => {
    if (session?.return_url) {
      const url = new URL(session.return_url);
      url.searchParams.set('connect_session_id', session.id);
      if (outcome.connectionId) {
        url.searchParams.set('status', 'success');
        url.searchParams.set('connection_id', outcome.connectionId);
      } else {
        url.searchParams.set('status', 'error');
        url.searchParams.set('error', (outcome.error?.details as { reason?: string } | undefined)?.reason ?? outcome.error?.code ?? 'failed');
      }
      return reply.redirect(url.toString(), 303);
    }
    const name = session ? providers[session.provider].displayName : 'the platform';
    if (outcome.connectionId) return reply.status(200).type('text/html').send(resultPage(true, `${name} connected`, `Your ${name} account is connected.`));
    return reply.status(outcome.error?.status && outcome.error.status < 500 ? 400 : 502).type('text/html').send(resultPage(false, 'Connection failed', outcome.error?.message ?? 'Something went wrong.'));
  };

  const sessionFor = async (token: string): Promise<SessionRow> => {
    const found = await loadSession(deps.db.app, token, deps.clock.now());
    if ('problem' in found) throw sessionError(found.problem);
    return found.session;
  };

  const pageError = (reply: FastifyReply, err: unknown) => {
    if (!isPlexusError(err)) {
      // The person gets a page, the log gets the details.
      reply.log.error({ err }, 'connect page failed');
      return reply.status(500).type('text/html').send(resultPage(false, 'Cannot connect', `Something went wrong (request ${reply.request.id}).`));
    }
    return reply.status(err.status >= 500 ? 502 : err.status).type('text/html').send(resultPage(false, 'Cannot connect', err.message));
  };

  app.get<{ Params: { token: string } }>('/connect/:token', async (req, reply) => {
    try {
      const s = await sessionFor(req.params.token);
      return reply.type('text/html').header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').send(connectPage(providers[s.provider], req.params.token));
    } catch (err) {
      return pageError(reply, err);
    }
  });

  app.post<{ Params: { token: string }; Body: Form }>('/connect/:token/authorize', async (req, reply) => {
    let s: SessionRow;
    try {
      s = await sessionFor(req.params.token);
    } catch (err) {
      return pageError(reply, err);
    }
    try {
      const { url, binding } = await beginAuthorization(cdeps(), req.params.token, s, req.body ?? {});
      reply.header('set-cookie', bindingCookie(s.id, binding, deps.publicUrl().startsWith('https:')));
      return reply.redirect(url, 303);
    } catch (err) {
      if (isPlexusError(err) && err.status < 500) {
        return reply.status(err.status).type('text/html').send(connectPage(providers[s.provider], req.params.token, { error: err.message, values: req.body ?? {} }));
      }
      return pageError(reply, err);
    }
  });

  app.post<{ Params: { token: string }; Body: Form }>('/connect/:token/credentials', async (req, reply) => {
    // Guessing passwords through a connect page: limited per address (before anything is
    // looked up) and per session (in the database, across processes).
    const wait = credentialFailures.blockedFor(req.ip);
    if (wait > 0) {
      reply.header('retry-after', Math.ceil(wait / 1000));
      return pageError(reply, plexusError('rate_limited', { message: 'Too many wrong credentials from this address; try again later.', retryAfterMs: wait }));
    }
    let s: SessionRow;
    try {
      s = await sessionFor(req.params.token);
    } catch (err) {
      credentialFailures.hit(req.ip);
      return pageError(reply, err);
    }
    if (s.credential_attempts >= CONNECT_ATTEMPTS_PER_SESSION) {
      await failSession(deps.db.app, s, 'too_many_attempts', 'Too many wrong credentials on this connect session.');
      return pageError(reply, plexusError('rate_limited', { message: 'Too many wrong credentials; start again from the application.' }));
    }
    try {
      const connectionId = await withOperation(recorderFor(deps.db.owner, deps.log), { orgId: s.org_id, type: 'connection_create', provider: s.provider, actor: `connect_session:${s.id}` }, async (op) =>
        (op.connectionId = await submitCredentials(cdeps(), s, req.body ?? {})),
      );
      return finish(reply, s, { connectionId });
    } catch (err) {
      if (isPlexusError(err) && err.status < 500) {
        credentialFailures.hit(req.ip);
        await countCredentialAttempt(deps.db.app, s);
        // Wrong credentials: show the form again with the platform's message; nothing was stored.
        return reply.status(err.status).type('text/html').send(connectPage(providers[s.provider], req.params.token, { error: err.message, values: req.body ?? {} }));
      }
      return pageError(reply, err);
    }
  });

  app.get<{ Params: { provider: string }; Querystring: Form }>('/oauth/callback/:provider', async (req, reply) => {
    if (!isProviderId(req.params.provider)) return pageError(reply, plexusError('not_found', { message: 'Unknown platform.' }));
    const result = await handleCallback(cdeps(), req.params.provider, req.query ?? {}, { cookie: (name) => readCookie(req.headers.cookie, name) });
    if (result.session) reply.header('set-cookie', `${bindingCookieName(result.session.id)}=; Path=/oauth/callback; Max-Age=0; HttpOnly; SameSite=Lax`);
    return finish(reply, result.session, result);
  });
};
