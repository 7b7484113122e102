import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { isPlexusError, plexusError, type PlexusError } from '../../../core/errors.ts';
import { beginAuthorization, handleCallback, submitCredentials, type ConnectDeps } from '../../../connections/flow.ts';
import { bindingCookie, bindingCookieName, readCookie } from '../../../connections/browser-binding.ts';
import {
  chooseProvider,
  countCredentialAttempt,
  failSession,
  loadSession,
  sessionError,
  type ChosenSession,
  type SessionRow,
} from '../../../connections/sessions.ts';
import {
  AttemptLimiter,
  CONNECT_ATTEMPTS_PER_ADDRESS,
  CONNECT_ATTEMPTS_PER_SESSION,
} from '../../../security/attempt-limiter.ts';
import { isProviderId, providers } from '../../../providers/registry.ts';
import type { AppDeps } from '../../deps.ts';
import { connectPage, pickerPage } from './views.ts';
import { resultPage, type ResultPage } from './result-view.ts';
import { contentSecurityPolicy, type Branding } from './layout.ts';
import { loadBranding } from '../../../portal/branding.ts';
import { problemFor, UNREACHABLE_CODES } from './problems.ts';
import { strings } from './strings.ts';
import { connectScript } from './connect-script.ts';
import { recorderFor } from '../../../operations/recorder.ts';
import { withOperation } from '../../../operations/run.ts';

type Form = Record<string, string>;

/**
 * The browser side of connecting: the picker, the connect page, its form posts, and the OAuth
 * callback. Every outcome is a page (or a redirect to the host app's return URL, or a message
 * to the window that opened the popup), never a JSON 500.
 */
export const connectPageRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  const credentialFailures = new AttemptLimiter(CONNECT_ATTEMPTS_PER_ADDRESS, 15 * 60_000);
  const cdeps = (): ConnectDeps => ({
    ...deps.providers,
    db: deps.db,
    keyring: deps.keyring,
    log: deps.log,
    publicUrl: deps.publicUrl(),
    ssrf: deps.ssrf,
  });

  const send = (reply: FastifyReply, status: number, page: string | ResultPage) => {
    const p = typeof page === 'string' ? { html: page } : page;
    return reply
      .status(status)
      .type('text/html')
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .header('content-security-policy', contentSecurityPolicy(p.nonce))
      .send(p.html);
  };

  const brandingOf = (s: SessionRow) => loadBranding(deps.db.app, s.org_id);

  const finish = async (
    reply: FastifyReply,
    session: SessionRow | undefined,
    outcome: { connectionId?: string; error?: PlexusError },
  ) => {
    const reason =
      (outcome.error?.details as { reason?: string } | undefined)?.reason ?? outcome.error?.code ?? 'failed';
    if (session?.return_url && !session.web_origin) {
      const url = new URL(session.return_url);
      url.searchParams.set('connect_session_id', session.id);
      if (outcome.connectionId) {
        url.searchParams.set('status', 'success');
        url.searchParams.set('connection_id', outcome.connectionId);
      } else {
        url.searchParams.set('status', 'error');
        url.searchParams.set('error', reason);
      }
      return reply.redirect(url.toString(), 303);
    }
    const name = session?.provider ? providers[session.provider].displayName : 'the platform';
    const branding = session ? await brandingOf(session) : undefined;
    // A popup opened by the host page: the outcome goes to that page's origin only.
    const notify = session?.web_origin
      ? {
          origin: session.web_origin,
          outcome: outcome.connectionId
            ? {
                type: 'plexus.connect' as const,
                status: 'success' as const,
                connectionId: outcome.connectionId,
                provider: session.provider ?? '',
              }
            : {
                type: 'plexus.connect' as const,
                status: 'error' as const,
                error: { code: reason, message: outcome.error?.message ?? strings.failedTitle },
              },
        }
      : undefined;
    if (outcome.connectionId)
      return send(
        reply,
        200,
        resultPage(true, strings.connectedTitle(name), strings.connectedMessage(name), { branding, notify }),
      );
    return send(
      reply,
      outcome.error?.status && outcome.error.status < 500 ? 400 : 502,
      resultPage(false, strings.failedTitle, outcome.error?.message ?? strings.failedTitle, { branding, notify }),
    );
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
      return send(
        reply,
        500,
        resultPage(false, strings.cannotConnect, strings.somethingWrong(String(reply.request.id))),
      );
    }
    return send(reply, err.status >= 500 ? 502 : err.status, resultPage(false, strings.cannotConnect, err.message));
  };

  const formOf = (
    s: SessionRow,
    provider: ChosenSession['provider'],
    token: string,
    branding: Branding,
    extra: { problem?: ReturnType<typeof problemFor>; values?: Form } = {},
  ) => connectPage(providers[provider], token, { branding, canChooseAnother: s.providers.length > 1, ...extra });

  /** The platform the person continues with: the one the form names, or the only one offered. */
  const chosen = async (
    reply: FastifyReply,
    s: SessionRow,
    token: string,
    body: Form,
  ): Promise<ChosenSession | undefined> => {
    const wanted = body.provider ?? s.provider ?? (s.providers.length === 1 ? s.providers[0] : undefined);
    const picked = wanted ? await chooseProvider(deps.db.app, s, wanted) : undefined;
    if (!picked)
      await send(
        reply,
        400,
        pickerPage(s.providers, token, { branding: await brandingOf(s), problem: strings.unknownPlatform }),
      );
    return picked;
  };

  app.get('/connect/plexus-connect.js', { schema: { hide: true } }, async (_req, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('access-control-allow-origin', '*')
      .send(await connectScript()),
  );

  app.get<{ Params: { token: string }; Querystring: Form }>('/connect/:token', async (req, reply) => {
    try {
      const s = await sessionFor(req.params.token);
      const branding = await brandingOf(s);
      const wanted = typeof req.query?.provider === 'string' ? req.query.provider : undefined;
      const only = s.providers.length === 1 ? s.providers[0] : undefined;
      const id =
        only ??
        (wanted && (s.providers as string[]).includes(wanted) ? (wanted as ChosenSession['provider']) : undefined);
      if (id) return send(reply, 200, formOf(s, id, req.params.token, branding));
      return send(
        reply,
        wanted ? 400 : 200,
        pickerPage(s.providers, req.params.token, { branding, problem: wanted ? strings.unknownPlatform : undefined }),
      );
    } catch (err) {
      return pageError(reply, err);
    }
  });

  app.post<{ Params: { token: string }; Body: Form }>('/connect/:token/authorize', async (req, reply) => {
    let s: ChosenSession | undefined;
    try {
      s = await chosen(reply, await sessionFor(req.params.token), req.params.token, req.body ?? {});
      if (!s) return reply;
    } catch (err) {
      return pageError(reply, err);
    }
    try {
      const { url, binding } = await beginAuthorization(cdeps(), req.params.token, s, req.body ?? {});
      reply.header('set-cookie', bindingCookie(s.id, binding, deps.publicUrl().startsWith('https:')));
      return reply.redirect(url, 303);
    } catch (err) {
      if (isPlexusError(err) && err.status < 500) {
        return send(
          reply,
          err.status,
          formOf(s, s.provider, req.params.token, await brandingOf(s), {
            problem: problemFor(err, providers[s.provider]),
            values: req.body ?? {},
          }),
        );
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
      return pageError(
        reply,
        plexusError('rate_limited', {
          message: 'Too many wrong credentials from this address; try again later.',
          retryAfterMs: wait,
        }),
      );
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
      return pageError(reply, plexusError('rate_limited', { message: strings.tooManyAttempts }));
    }
    const c = await chosen(reply, s, req.params.token, req.body ?? {});
    if (!c) return reply;
    try {
      const connectionId = await withOperation(
        recorderFor(deps.db.owner, deps.log),
        { orgId: c.org_id, type: 'connection_create', provider: c.provider, actor: `connect_session:${c.id}` },
        async (op) => (op.connectionId = await submitCredentials(cdeps(), c, req.body ?? {})),
      );
      return await finish(reply, c, { connectionId });
    } catch (err) {
      if (!isPlexusError(err) || (err.status >= 500 && !UNREACHABLE_CODES.has(err.code))) return pageError(reply, err);
      // The site did not answer: nothing about the credentials was learnt, so no attempt is
      // counted. Otherwise they were wrong: counted, and nothing was stored.
      if (!UNREACHABLE_CODES.has(err.code)) {
        credentialFailures.hit(req.ip);
        await countCredentialAttempt(deps.db.app, c);
      }
      const page = formOf(c, c.provider, req.params.token, await brandingOf(c), {
        problem: problemFor(err, providers[c.provider]),
        values: req.body ?? {},
      });
      return send(reply, err.status, page);
    }
  });

  app.get<{ Params: { provider: string }; Querystring: Form }>('/oauth/callback/:provider', async (req, reply) => {
    if (!isProviderId(req.params.provider))
      return pageError(reply, plexusError('not_found', { message: 'Unknown platform.' }));
    const result = await handleCallback(cdeps(), req.params.provider, req.query ?? {}, {
      cookie: (name) => readCookie(req.headers.cookie, name),
    });
    if (result.session)
      reply.header(
        'set-cookie',
        `${bindingCookieName(result.session.id)}=; Path=/oauth/callback; Max-Age=0; HttpOnly; SameSite=Lax`,
      );
    return finish(reply, result.session, result);
  });
};
