import { createHash, randomBytes } from 'node:crypto';
import { isPlexusError, plexusError, type PlexusError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Database } from '../db/database.ts';
import { withOrgTx } from '../db/tx.ts';
import { connectorFor, type ProviderId, providers } from '../providers/registry.ts';
import type { ConnectorContext } from '../providers/contracts/connector.ts';
import { connectorContext, type ProviderRuntime } from '../providers/context.ts';
import { buildAuthorizeUrl, exchangeCode } from '../providers/kit/oauth2.ts';
import { beginOAuth1, finishOAuth1 } from '../providers/kit/oauth1-flow.ts';
import type { TokenSet } from '../providers/kit/tokens.ts';
import type { CredentialField } from '../providers/types.ts';
import { assertPublicUrl, type SsrfPolicy } from '../security/ssrf.ts';
import { open, seal, type SealedSecret } from '../vault/cipher.ts';
import type { DecryptedCredentials } from '../vault/credentials.ts';
import type { Keyring } from '../vault/keyring.ts';
import { bindingCookieName, bindingMatches, newBinding } from './browser-binding.ts';
import {
  claimSession,
  failSession,
  loadSession,
  sessionError,
  type ChosenSession,
  type SessionRow,
} from './sessions.ts';
import { storeConnection } from './store.ts';
import { recorderFor } from '../operations/recorder.ts';
import { withOperation } from '../operations/run.ts';

export interface ConnectDeps extends ProviderRuntime {
  db: Database;
  keyring: Keyring;
  log: Logger;
  publicUrl: string;
  ssrf: SsrfPolicy;
}

export const callbackUrl = (deps: ConnectDeps, provider: ProviderId) => `${deps.publicUrl}/oauth/callback/${provider}`;

const flowCtx = (s: Pick<SessionRow, 'org_id' | 'id'>) => ({
  orgId: s.org_id,
  table: 'connect_sessions',
  rowId: s.id,
  column: 'flow_secret',
});

/** Validates connection settings typed on the connect page; URLs pass the SSRF guard. */
export async function validateConfig(
  deps: ConnectDeps,
  fields: readonly CredentialField[],
  input: Readonly<Record<string, string>>,
  provider?: ProviderId,
): Promise<Record<string, string>> {
  // With the platform's origin overridden (PLEXUS_<ID>_BASE_URL: a sandbox or a proxy), a
  // templated host such as {shop}.myshopify.com is never dialled, so it is not resolved either.
  const overridden = provider !== undefined && !!deps.apps[provider]?.baseUrl;
  const out: Record<string, string> = {};
  const problems: { path: string; message: string }[] = [];
  for (const f of fields) {
    const v = (input[f.name] ?? '').trim();
    if (!v) {
      if (!f.optional) problems.push({ path: f.name, message: 'required' });
      continue;
    }
    if (f.pattern && !new RegExp(f.pattern).test(v)) {
      problems.push({ path: f.name, message: `does not match ${f.pattern}` });
      continue;
    }
    if (f.isUrl) {
      if (f.urlTemplate) {
        if (!overridden) await assertPublicUrl(f.urlTemplate.replace('{value}', v), deps.ssrf, f.name);
        out[f.name] = v;
      } else {
        const url = await assertPublicUrl(v.includes('://') ? v : `https://${v}`, deps.ssrf, f.name);
        out[f.name] = url.toString().replace(/\/+$/, '');
      }
      continue;
    }
    out[f.name] = v;
  }
  if (problems.length)
    throw plexusError('validation_failed', { message: 'Some fields are missing or invalid.', details: problems });
  return out;
}

/** Where the connect page sends the browser next: the platform's consent screen. */
export async function beginAuthorization(
  deps: ConnectDeps,
  token: string,
  session: ChosenSession,
  input: Readonly<Record<string, string>>,
): Promise<{ url: string; binding: string }> {
  const def = providers[session.provider];
  const config = await validateConfig(deps, def.connectionConfig ?? [], input, session.provider);
  const connector = connectorFor(session.provider);
  const ctx = connectorContext(deps, session.provider, config);
  let url: string;
  let flowSecret: SealedSecret | null = null;
  if (def.auth.kind === 'oauth2') {
    let challenge: string | undefined;
    if (def.auth.pkce) {
      const verifier = randomBytes(32).toString('base64url');
      challenge = createHash('sha256').update(verifier).digest('base64url');
      flowSecret = await seal(deps.keyring, verifier, flowCtx(session));
    }
    const params = {
      redirectUri: callbackUrl(deps, session.provider),
      state: token,
      scopes: session.scopes.length ? session.scopes : def.auth.defaultScopes,
      ...(challenge ? { codeChallenge: challenge } : {}),
    };
    url = connector.authorizeUrl ? connector.authorizeUrl(ctx, params) : buildAuthorizeUrl(ctx, params);
  } else if (def.auth.kind === 'oauth1a') {
    const { authorizeUrl, tokenSecret } = await beginOAuth1(
      ctx,
      `${callbackUrl(deps, session.provider)}?state=${encodeURIComponent(token)}`,
    );
    flowSecret = await seal(deps.keyring, tokenSecret, flowCtx(session));
    url = authorizeUrl;
  } else {
    throw plexusError('conflict', { message: `${def.displayName} connects with credentials, not a redirect.` });
  }
  const binding = newBinding();
  await withOrgTx(deps.db.app, session.org_id, (c) =>
    c.query(
      "update connect_sessions set status = 'redirected', config = $3, flow_secret = $4, browser_binding = $5 where org_id = $1 and id = $2 and used_at is null",
      [session.org_id, session.id, config, flowSecret, binding.hash],
    ),
  );
  return { url, binding: binding.value };
}

/**
 * RFC 9207: an authorization response that names its issuer must name this platform's (its
 * configured issuer, or the origin of the authorize URL actually used), so a response from
 * another authorization server (a mix-up attack) is refused before any code is exchanged.
 */
function issuerAccepted(ctx: ConnectorContext, provider: ProviderId, iss: string | undefined): boolean {
  if (iss === undefined) return true;
  const auth = providers[provider].auth as { issuer?: string; authorizeUrl?: string };
  const expected = new Set<string>();
  if (auth.issuer) expected.add(auth.issuer);
  try {
    if (auth.authorizeUrl) expected.add(new URL(ctx.url(auth.authorizeUrl)).origin);
  } catch {
    // no usable authorize URL: only the configured issuer counts
  }
  return expected.has(iss.replace(/\/$/, ''));
}

export interface CallbackResult {
  session?: SessionRow;
  connectionId?: string;
  error?: PlexusError;
}

/**
 * The platform sent the browser back. Every failure (denied consent, a bad, expired or
 * replayed state, a refused code) ends as an error on the session and a clear page, never a
 * 500; the state is consumed before the code is exchanged, so a replay cannot race it.
 */
export async function handleCallback(
  deps: ConnectDeps,
  provider: ProviderId,
  query: Readonly<Record<string, string>>,
  browser: { cookie: (name: string) => string | undefined } = { cookie: () => undefined },
): Promise<CallbackResult> {
  const state = query.state ?? '';
  const found = await loadSession(deps.db.app, state, deps.clock.now());
  if ('problem' in found) {
    if (found.problem === 'expired' && found.session)
      await failSession(
        deps.db.app,
        found.session,
        'state_expired',
        'The connect session expired before the platform answered.',
      );
    return { ...(found.session ? { session: found.session } : {}), error: sessionError(found.problem) };
  }
  const fail = async (code: string, err: PlexusError) => {
    await failSession(deps.db.app, found.session, code, err.message);
    return { session: found.session, error: err };
  };
  if (found.session.provider !== provider)
    return fail('state_invalid', plexusError('conflict', { message: 'This callback belongs to another platform.' }));
  const session: ChosenSession = { ...found.session, provider };
  // Another browser: refused without consuming the session, so the person who started it
  // can still finish (an attacker cannot spoil it by replaying the state).
  if (!bindingMatches(browser.cookie(bindingCookieName(session.id)), session.browser_binding)) {
    return {
      session: { ...session, return_url: null, web_origin: null },
      error: plexusError('forbidden', {
        message: 'This sign-in was started in another browser; start again from the application.',
        details: { reason: 'browser_mismatch' },
      }),
    };
  }
  const def = providers[provider];
  const connector = connectorFor(provider);
  const ctx = connectorContext(deps, provider, session.config);
  if (!issuerAccepted(ctx, provider, query.iss)) {
    return fail(
      'issuer_mismatch',
      plexusError('unprocessable', {
        message: 'The authorization response names another issuer (RFC 9207).',
        details: { reason: 'issuer_mismatch' },
      }),
    );
  }

  const denied = query.error ?? (query.denied !== undefined ? 'access_denied' : undefined);
  if (denied) {
    const desc = query.error_description ?? query.error_reason ?? denied;
    return fail(
      denied === 'access_denied' ? 'access_denied' : 'authorization_failed',
      plexusError('unprocessable', {
        message: `Authorization was not granted: ${desc}`.slice(0, 300),
        details: { reason: denied },
      }),
    );
  }
  if (!(await withOrgTx(deps.db.app, session.org_id, (c) => claimSession(c, session)))) {
    return { session, error: sessionError('used') };
  }
  // The exchange, the identity call and the store are one operation of the org.
  return withOperation(
    recorderFor(deps.db.owner, deps.log),
    { orgId: session.org_id, type: 'connection_create', provider, actor: `connect_session:${session.id}` },
    async (op) => {
      try {
        connector.verifyCallback?.(ctx, query);
        let tokens: TokenSet;
        if (def.auth.kind === 'oauth2') {
          const code = query[def.auth.callbackCodeParam ?? 'code'] ?? query.code;
          if (!code) throw plexusError('unprocessable', { message: 'The platform returned no authorization code.' });
          const verifier = session.flow_secret
            ? await open(deps.keyring, session.flow_secret as SealedSecret, flowCtx(session))
            : undefined;
          const exchange = {
            code,
            redirectUri: callbackUrl(deps, provider),
            query,
            ...(verifier ? { codeVerifier: verifier } : {}),
          };
          tokens = connector.exchangeCode
            ? await connector.exchangeCode(ctx, exchange)
            : await exchangeCode(ctx, exchange);
          if (connector.afterExchange) tokens = await connector.afterExchange(ctx, tokens);
        } else if (def.auth.kind === 'oauth1a') {
          const secret = session.flow_secret
            ? await open(deps.keyring, session.flow_secret as SealedSecret, flowCtx(session))
            : '';
          tokens = await finishOAuth1(ctx, query.oauth_token ?? '', query.oauth_verifier ?? '', secret);
        } else {
          throw plexusError('conflict', { message: `${def.displayName} connects with credentials, not a redirect.` });
        }
        const creds: DecryptedCredentials = {
          kind: def.auth.kind === 'oauth1a' ? 'oauth1a' : 'oauth2',
          accessToken: tokens.accessToken,
          ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
          ...(tokens.tokenSecret ? { tokenSecret: tokens.tokenSecret } : {}),
        };
        const identity = await connector.identify(contextWithExtra(ctx, tokens), creds);
        const { connectionId } = await storeConnection(deps.db, deps.keyring, {
          session,
          creds,
          tokens,
          identity,
          config: { ...session.config, ...stringExtras(tokens) },
          now: deps.clock.now(),
        });
        op.connectionId = connectionId;
        return { session, connectionId };
      } catch (err) {
        const e = isPlexusError(err) ? err : plexusError('internal_error', { cause: err });
        if (!isPlexusError(err)) deps.log.error({ err, provider }, 'connect callback failed');
        op.failure = e;
        return fail(
          'exchange_failed',
          e.status >= 500 && e.code === 'internal_error'
            ? plexusError('unprocessable', { message: 'The connection could not be completed.' })
            : e,
        );
      }
    },
  );
}

/** Credentials typed on the connect page (application passwords, API tokens), checked live before anything is stored. */
export async function submitCredentials(
  deps: ConnectDeps,
  session: ChosenSession,
  input: Readonly<Record<string, string>>,
): Promise<string> {
  const def = providers[session.provider];
  if (def.auth.kind === 'oauth2' || def.auth.kind === 'oauth1a')
    throw plexusError('conflict', { message: `${def.displayName} connects through its own consent page.` });
  const config = await validateConfig(deps, def.connectionConfig ?? [], input, session.provider);
  const secrets = await validateConfig(deps, def.auth.fields, input, session.provider);
  const connector = connectorFor(session.provider);
  const ctx = connectorContext(deps, session.provider, config);
  const creds = credentialsFromFields(def.auth.transport, def.auth.fields, secrets);
  let identity;
  try {
    identity = await connector.identify(ctx, creds);
  } catch (err) {
    if (
      isPlexusError(err) &&
      (err.code === 'provider.auth_expired' ||
        err.code === 'provider.auth_revoked' ||
        err.code === 'provider.invalid_request' ||
        err.code === 'provider.not_found')
    ) {
      throw plexusError('credentials_invalid', {
        message: `${def.displayName} refused the credentials: ${err.message}`,
        details: { provider: def.id, platform_status: (err.details as { status?: number } | undefined)?.status },
      });
    }
    throw err;
  }
  if (!(await withOrgTx(deps.db.app, session.org_id, (c) => claimSession(c, session)))) throw sessionError('used');
  const { connectionId } = await storeConnection(deps.db, deps.keyring, {
    session,
    creds,
    identity,
    config,
    now: deps.clock.now(),
  });
  return connectionId;
}

function credentialsFromFields(
  transport: string,
  fields: readonly CredentialField[],
  values: Record<string, string>,
): DecryptedCredentials {
  const secretFields = fields.filter((f) => f.secret);
  const userField = fields.find((f) => !f.secret);
  if (transport === 'basic') {
    return {
      kind: 'basic',
      username: userField ? (values[userField.name] ?? '') : '',
      password: values[secretFields[0]?.name ?? ''] ?? '',
      extra: values,
    };
  }
  return { kind: 'token', accessToken: values[secretFields[0]?.name ?? ''] ?? '', extra: values };
}

/** Token answers sometimes carry account ids the identity call needs (TikTok's advertiser_ids). */
function contextWithExtra(ctx: ConnectorContext, tokens: TokenSet): ConnectorContext {
  const extra = stringExtras(tokens);
  return Object.keys(extra).length ? { ...ctx, config: { ...ctx.config, ...extra } } : ctx;
}

function stringExtras(tokens: TokenSet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tokens.extra)) {
    if (typeof v === 'string' && v.length < 200) out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) out[k] = v.join(',');
  }
  return out;
}
