import { plexusError } from '../../core/errors.ts';
import type { DecryptedCredentials } from '../../vault/credentials.ts';
import type { AuthorizeParams, ConnectorContext, ExchangeParams } from '../contracts/connector.ts';
import type { OAuth2Auth } from '../types.ts';
import { classifyTokenError } from './errors.ts';
import type { HttpRequest, HttpResponse } from './http.ts';
import { parseTokenBody, type TokenSet } from './tokens.ts';

/**
 * Standard OAuth 2.0 (RFC 6749 + PKCE) driven by a provider's definition: parameter names,
 * client authentication, wrapped responses and extra parameters are data, so most platforms
 * need no code of their own here.
 */
export function oauth2Of(ctx: ConnectorContext): OAuth2Auth {
  if (ctx.def.auth.kind !== 'oauth2') throw new Error(`${ctx.def.id} does not use OAuth 2.0`);
  return ctx.def.auth;
}

function requireApp(ctx: ConnectorContext): { clientId: string; clientSecret: string } {
  const { clientId, clientSecret } = ctx.app;
  if (!clientId || !clientSecret) {
    throw plexusError('unprocessable', {
      message: `${ctx.def.displayName} is not configured: set the app's client id and secret (see docs/providers.md).`,
      details: { provider: ctx.def.id },
    });
  }
  return { clientId, clientSecret };
}

export function buildAuthorizeUrl(ctx: ConnectorContext, p: AuthorizeParams): string {
  const auth = oauth2Of(ctx);
  const { clientId } = requireApp(ctx);
  const url = new URL(ctx.url(auth.authorizeUrl));
  url.searchParams.set(auth.paramNames?.clientId ?? 'client_id', clientId);
  url.searchParams.set('redirect_uri', p.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('state', p.state);
  if (p.scopes.length) url.searchParams.set('scope', p.scopes.join(auth.scopeSeparator));
  if (p.codeChallenge) {
    url.searchParams.set('code_challenge', p.codeChallenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  for (const [k, v] of Object.entries(auth.authorizeParams ?? {})) url.searchParams.set(k, v);
  return url.toString();
}

/** A token request in the platform's style of client authentication. */
function tokenRequest(ctx: ConnectorContext, url: string, params: Record<string, string>): HttpRequest {
  const auth = oauth2Of(ctx);
  const { clientId, clientSecret } = requireApp(ctx);
  const idName = auth.paramNames?.clientId ?? 'client_id';
  const secretName = auth.paramNames?.clientSecret ?? 'client_secret';
  switch (auth.tokenAuthMethod) {
    case 'client_secret_basic':
      return {
        method: 'POST',
        url,
        headers: {
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
        },
        form: new URLSearchParams(params),
      };
    case 'json_body':
      return { method: 'POST', url, json: { [idName]: clientId, [secretName]: clientSecret, ...params } };
    case 'query': {
      const u = new URL(url);
      for (const [k, v] of Object.entries({ [idName]: clientId, [secretName]: clientSecret, ...params }))
        u.searchParams.set(k, v);
      return { method: 'POST', url: u.toString() };
    }
    case 'client_secret_post':
      return {
        method: 'POST',
        url,
        form: new URLSearchParams({ [idName]: clientId, [secretName]: clientSecret, ...params }),
      };
  }
}

/** Reads a token answer: unwraps a wrapper object, spots errors inside a 200, parses fields. */
export function readTokenResponse(
  ctx: ConnectorContext,
  res: HttpResponse,
  revokedMarkers: readonly string[] = [],
): TokenSet {
  const auth = oauth2Of(ctx);
  if (res.status < 200 || res.status >= 300 || typeof res.body !== 'object' || res.body === null)
    throw classifyTokenError(res, revokedMarkers);
  const outer = res.body as Record<string, unknown>;
  const inner = (auth.tokenResponsePath ? outer[auth.tokenResponsePath] : outer) as Record<string, unknown> | undefined;
  const tokens =
    inner && typeof inner === 'object'
      ? parseTokenBody(inner, ctx.clock.now(), auth.scopeSeparator, {
          ...(auth.accessTokenTtlSeconds ? { accessTtl: auth.accessTokenTtlSeconds } : {}),
          ...(auth.refreshTokenTtlSeconds ? { refreshTtl: auth.refreshTokenTtlSeconds } : {}),
        })
      : undefined;
  if (!tokens) throw classifyTokenError(res, revokedMarkers);
  return tokens;
}

export async function exchangeCode(ctx: ConnectorContext, p: ExchangeParams): Promise<TokenSet> {
  const auth = oauth2Of(ctx);
  const omit = new Set(auth.exchangeOmits ?? []);
  const params: Record<string, string> = {
    [auth.paramNames?.code ?? 'code']: p.code,
    ...(omit.has('grant_type') ? {} : { grant_type: 'authorization_code' }),
    ...(omit.has('redirect_uri') ? {} : { redirect_uri: p.redirectUri }),
    ...(p.codeVerifier ? { code_verifier: p.codeVerifier } : {}),
    ...auth.tokenParams,
  };
  const res = await ctx.http.send(tokenRequest(ctx, ctx.url(auth.tokenUrl), params));
  return readTokenResponse(ctx, res);
}

/** The standard refresh grant; `exchange` re-runs the definition's exchange grant with the current token. */
export async function refreshTokens(ctx: ConnectorContext, creds: DecryptedCredentials): Promise<TokenSet> {
  const auth = oauth2Of(ctx);
  const url = ctx.url(auth.refreshUrl ?? auth.tokenUrl);
  let params: Record<string, string>;
  if (auth.refresh === 'refresh_token') {
    if (!creds.refreshToken)
      throw plexusError('provider.auth_revoked', { message: 'The connection has no refresh token; reconnect it.' });
    params = { grant_type: 'refresh_token', refresh_token: creds.refreshToken };
  } else if (auth.refresh === 'exchange') {
    if (!creds.accessToken)
      throw plexusError('provider.auth_revoked', { message: 'The connection has no token; reconnect it.' });
    if (!auth.exchangeGrant)
      throw plexusError('provider.invalid_request', { message: `${ctx.def.displayName} names no exchange grant.` });
    params = { grant_type: auth.exchangeGrant.grantType, [auth.exchangeGrant.tokenParam]: creds.accessToken };
  } else {
    throw plexusError('provider.invalid_request', { message: `${ctx.def.displayName} tokens cannot be refreshed.` });
  }
  const res = await ctx.http.send(tokenRequest(ctx, url, params));
  const tokens = readTokenResponse(ctx, res);
  // Platforms that do not rotate answer without a refresh token: keep the current one.
  return tokens.refreshToken || !creds.refreshToken ? tokens : { ...tokens, refreshToken: creds.refreshToken };
}

/** RFC 7009 revocation where the platform has an endpoint; best effort on disconnect. */
export async function revokeToken(ctx: ConnectorContext, creds: DecryptedCredentials): Promise<void> {
  const auth = oauth2Of(ctx);
  if (!auth.revokeUrl || !creds.accessToken) return;
  const token = creds.refreshToken ?? creds.accessToken;
  const res = await ctx.http.send(tokenRequest(ctx, ctx.url(auth.revokeUrl), { token }));
  if (res.status >= 500) throw classifyTokenError(res);
}
