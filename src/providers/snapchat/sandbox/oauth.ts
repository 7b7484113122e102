/**
 * accounts.snapchat.com OAuth 2.0: `/login/oauth2/authorize` (and the `/accounts/oauth2/auth`
 * alias) and the form-encoded `/login/oauth2/access_token` for the code and refresh grants.
 * Access tokens last one hour; refresh tokens have no documented expiry and, by default, are
 * not rotated (both configurable, since the docs leave them open).
 */
import * as oauth2 from '../../../sandbox/kit/oauth2.ts';
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { TokenRecord } from '../../../sandbox/kit/tokens.ts';
import type { SnapContext } from './context.ts';

const KNOWN_SCOPES = ['snapchat-marketing-api', 'snapchat-offline-conversions-api', 'snapchat-profile-api'];
/** Where Deny on the consent page sends the user back to. */
const DENIED = { error: 'access_denied', error_description: 'The user denied the request' };
/** What the error page says about each authorize parameter it refuses. */
const AUTHORIZE_PAGES: Record<oauth2.AuthorizeProblem, string> = {
  client_id: 'Invalid client_id.',
  redirect_uri: 'Invalid redirect_uri.',
  response_type: 'Unsupported response_type.',
};
const DECISION_PATH = '/login/oauth2/authorize/decision';

function oauthError(status: number, error: string, description: string): SandboxResponse {
  return json(status, { error, error_description: description });
}

function snapErrorPage(detail: string): SandboxResponse {
  return oauth2.errorPage(400, 'Snapchat', 'Something went wrong', detail);
}

function checkAuthorize(ctx: SnapContext, q: Record<string, string>): SandboxResponse | undefined {
  const problem = oauth2.authorizeProblem(q, ctx.config);
  return problem && snapErrorPage(AUTHORIZE_PAGES[problem]);
}

function approve(ctx: SnapContext, q: Record<string, string>): SandboxResponse {
  return oauth2.approveWithCode(ctx.tokens, q, ctx.world.me.id, 600);
}

function authorize(ctx: SnapContext, q: Record<string, string>): SandboxResponse {
  const bad = checkAuthorize(ctx, q);
  if (bad) return bad;
  const scopes = (q['scope'] ?? '').split(/[\s,]+/).filter(Boolean);
  const invalid = scopes.filter((s) => !KNOWN_SCOPES.includes(s));
  if (scopes.length === 0 || invalid.length) {
    return oauth2.redirectWith(q['redirect_uri'] ?? '', {
      error: 'invalid_scope',
      error_description: `Invalid scope: ${invalid.join(' ')}`,
      state: q['state'],
    });
  }
  const carry = {
    scope: scopes.join(' '),
    ...oauth2.pickParams(q, [
      'client_id',
      'redirect_uri',
      'response_type',
      'state',
      'code_challenge',
      'code_challenge_method',
    ]),
  };
  const screen = { platform: 'Snapchat', action: DECISION_PATH, userName: ctx.world.me.display_name };
  return oauth2.askConsent(ctx.config, screen, carry, scopes, (c) => approve(ctx, c));
}

function tokenBody(ctx: SnapContext, access: TokenRecord, refresh: TokenRecord): SandboxResponse {
  return json(200, {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: ctx.tokens.expiresIn(access),
    refresh_token: refresh.token,
    scope: access.scopes.join(' '),
  });
}

function token(ctx: SnapContext, req: SandboxRequest): SandboxResponse {
  if (!oauth2.isFormBody(req))
    return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  const b = req.body;
  const client = oauth2.clientCredentials(req);
  const grant = oauth2.field(b['grant_type']);
  if (grant !== 'authorization_code' && grant !== 'refresh_token')
    return oauthError(400, 'unsupported_grant_type', `Unsupported grant_type: ${grant ?? ''}`);
  if (client.id !== ctx.config.clientId || client.secret !== ctx.config.clientSecret)
    return oauthError(401, 'invalid_client', 'Invalid client credentials');
  const clientId = client.id;

  if (grant === 'refresh_token') {
    const old = oauth2.field(b['refresh_token']);
    if (!old) return oauthError(400, 'invalid_request', 'Missing refresh_token');
    const check = ctx.tokens.validate(old, 'refresh');
    if (!check.ok || check.record.clientId !== clientId)
      return oauthError(400, 'invalid_grant', 'Invalid refresh token');
    const refresh = oauth2.renewRefresh(
      ctx.tokens,
      check.record,
      ctx.config.rotateRefreshTokens,
      ctx.config.refreshTokenTtlSeconds,
    );
    if (!refresh) return oauthError(400, 'invalid_grant', 'Invalid refresh token');
    return tokenBody(ctx, oauth2.accessFrom(ctx.tokens, refresh, ctx.config.accessTokenTtlSeconds), refresh);
  }

  const code = oauth2.field(b['code']);
  if (!code) return oauthError(400, 'invalid_request', 'Missing code');
  const redeemed = ctx.tokens.redeemCode(code, clientId, oauth2.field(b['redirect_uri']) ?? '');
  if (!redeemed.ok) {
    return redeemed.problem === 'redirect_mismatch'
      ? oauthError(400, 'invalid_grant', 'Redirect URI mismatch')
      : oauthError(400, 'invalid_grant', 'Invalid authorization code');
  }
  const c = redeemed.code;
  if (!oauth2.pkceVerified(c.extra, oauth2.field(b['code_verifier'])))
    return oauthError(400, 'invalid_grant', 'Invalid code_verifier');
  const grantId = ctx.tokens.newGrantId();
  const base = { clientId: c.clientId, subject: c.subject, scopes: c.scopes, grantId };
  const refresh = ctx.tokens.issue({ ...base, kind: 'refresh', ttlSeconds: ctx.config.refreshTokenTtlSeconds });
  const access = ctx.tokens.issue({ ...base, kind: 'access', ttlSeconds: ctx.config.accessTokenTtlSeconds });
  return tokenBody(ctx, access, refresh);
}

export function oauthRoutes(r: Router, ctx: SnapContext): void {
  for (const path of ['/login/oauth2/authorize', '/accounts/oauth2/auth'])
    r.add('GET', path, (req) => authorize(ctx, req.query));
  oauth2.decisionRoute(r, DECISION_PATH, ctx, checkAuthorize, approve, DENIED);
  r.add('POST', '/login/oauth2/access_token', (req) => token(ctx, req));
}
