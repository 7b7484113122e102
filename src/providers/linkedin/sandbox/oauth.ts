/**
 * LinkedIn's www.linkedin.com OAuth 2.0: `/oauth/v2/authorization` (scopes separated by spaces or
 * commas), `/oauth/v2/accessToken` (form; code and refresh grants), `/oauth/v2/introspectToken`
 * and `/oauth/v2/revoke`. Access tokens last 60 days; refresh tokens (only for apps approved for
 * programmatic refresh) last 365 days from the first authorization, and refreshing never extends
 * that.
 */
import * as oauth2 from '../../../sandbox/kit/oauth2.ts';
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { TokenRecord } from '../../../sandbox/kit/tokens.ts';
import type { LinkedInContext } from './context.ts';
import { CODE_MISMATCH, oauthError } from './errors.ts';

export const KNOWN_SCOPES = [
  'r_ads',
  'rw_ads',
  'r_ads_reporting',
  'r_organization_social',
  'rw_organization_admin',
  'w_organization_social',
  'r_basicprofile',
  'r_marketing_leadgen_automation',
  'openid',
  'profile',
  'email',
];
/** Where Deny on the consent page sends the user back to. */
const DENIED = {
  error: 'user_cancelled_authorize',
  error_description: 'The user cancelled the authorization',
};
/** What the error page says about each authorize parameter it refuses. */
const AUTHORIZE_PAGES: Record<oauth2.AuthorizeProblem, string> = {
  client_id: 'The passed in client_id is invalid.',
  redirect_uri: 'The redirect_uri does not match the registered value.',
  response_type: 'The response_type must be "code".',
};
const DECISION_PATH = '/oauth/v2/authorization/decision';
const BAD_GRANT = 'The provided authorization grant or refresh token is invalid, expired or revoked';

function linkedInErrorPage(detail: string): SandboxResponse {
  return oauth2.errorPage(400, 'LinkedIn', 'Bummer, something went wrong.', detail);
}

export function splitScopes(raw: string | undefined): string[] {
  return (raw ?? '').split(/[\s,]+/).filter(Boolean);
}

function checkAuthorize(ctx: LinkedInContext, q: Record<string, string>): SandboxResponse | undefined {
  const problem = oauth2.authorizeProblem(q, ctx.config);
  return problem && linkedInErrorPage(AUTHORIZE_PAGES[problem]);
}

function approve(ctx: LinkedInContext, q: Record<string, string>): SandboxResponse {
  return oauth2.approveWithCode(ctx.tokens, q, ctx.world.member.id, ctx.config.codeTtlSeconds);
}

function authorize(ctx: LinkedInContext, q: Record<string, string>): SandboxResponse {
  const bad = checkAuthorize(ctx, q);
  if (bad) return bad;
  const scopes = splitScopes(q['scope']);
  const invalid = scopes.filter((s) => !KNOWN_SCOPES.includes(s));
  if (invalid.length || scopes.length === 0) {
    return oauth2.redirectWith(q['redirect_uri'] ?? '', {
      error: 'unauthorized_scope_error',
      error_description: `Scope "${invalid[0] ?? ''}" is not authorized for your application`,
      state: q['state'],
    });
  }
  const carry = oauth2.pickParams(q, [
    'response_type',
    'client_id',
    'redirect_uri',
    'state',
    'code_challenge',
    'code_challenge_method',
  ]);
  carry['scope'] = scopes.join(' ');
  const screen = { platform: 'LinkedIn', action: DECISION_PATH, userName: ctx.world.member.name };
  return oauth2.askConsent(ctx.config, screen, carry, scopes, (c) => approve(ctx, c));
}

function tokenBody(ctx: LinkedInContext, access: TokenRecord, refresh: TokenRecord | undefined): SandboxResponse {
  return json(200, {
    access_token: access.token,
    expires_in: ctx.tokens.expiresIn(access),
    ...(refresh ? { refresh_token: refresh.token, refresh_token_expires_in: ctx.tokens.expiresIn(refresh) } : {}),
    scope: access.scopes.join(','),
  });
}

function accessToken(ctx: LinkedInContext, req: SandboxRequest): SandboxResponse {
  if (!oauth2.isFormBody(req))
    return oauthError(400, 'invalid_request', 'The request must be application/x-www-form-urlencoded');
  const b = req.body;
  const grant = oauth2.field(b['grant_type']);
  if (!grant) return oauthError(400, 'invalid_request', 'A required parameter "grant_type" is missing');
  if (grant !== 'authorization_code' && grant !== 'refresh_token')
    return oauthError(400, 'unsupported_grant_type', `The grant type "${grant}" is not supported`);
  const client = oauth2.clientCredentials(req);
  if (!client.id) return oauthError(400, 'invalid_request', 'A required parameter "client_id" is missing');
  if (!client.secret) return oauthError(400, 'invalid_request', 'A required parameter "client_secret" is missing');
  if (client.id !== ctx.config.clientId || client.secret !== ctx.config.clientSecret)
    return oauthError(401, 'invalid_client', 'Client authentication failed');

  if (grant === 'refresh_token') return refreshGrant(ctx, oauth2.field(b['refresh_token']));

  const code = oauth2.field(b['code']);
  if (!code) return oauthError(400, 'invalid_request', 'A required parameter "code" is missing');
  const redirectUri = oauth2.field(b['redirect_uri']);
  if (!redirectUri) return oauthError(400, 'invalid_request', 'A required parameter "redirect_uri" is missing');
  const redeemed = ctx.tokens.redeemCode(code, client.id, redirectUri);
  if (!redeemed.ok || !oauth2.pkceVerified(redeemed.code.extra, oauth2.field(b['code_verifier'])))
    return oauthError(400, 'invalid_request', CODE_MISMATCH);
  const c = redeemed.code;
  const grantId = ctx.tokens.newGrantId();
  const base = { clientId: c.clientId, subject: c.subject, scopes: c.scopes, grantId };
  const refresh = ctx.config.programmaticRefresh
    ? ctx.tokens.issue({ ...base, kind: 'refresh', ttlSeconds: ctx.config.refreshTokenTtlSeconds })
    : undefined;
  const access = ctx.tokens.issue({ ...base, kind: 'access', ttlSeconds: ctx.config.accessTokenTtlSeconds });
  return tokenBody(ctx, access, refresh);
}

function refreshGrant(ctx: LinkedInContext, old: string | undefined): SandboxResponse {
  if (!ctx.config.programmaticRefresh)
    return oauthError(400, 'invalid_request', 'This application is not allowed to use refresh tokens');
  if (!old) return oauthError(400, 'invalid_request', 'A required parameter "refresh_token" is missing');
  const check = ctx.tokens.validate(old, 'refresh');
  if (!check.ok || check.record.clientId !== ctx.config.clientId) return oauthError(400, 'invalid_grant', BAD_GRANT);
  // A rotated refresh token keeps the original 365-day end date.
  const refresh = oauth2.renewRefresh(
    ctx.tokens,
    check.record,
    ctx.config.rotateRefreshTokens,
    ctx.tokens.expiresIn(check.record),
  );
  if (!refresh) return oauthError(400, 'invalid_grant', BAD_GRANT);
  return tokenBody(ctx, oauth2.accessFrom(ctx.tokens, refresh, ctx.config.accessTokenTtlSeconds), refresh);
}

function clientFormOk(ctx: LinkedInContext, req: SandboxRequest): SandboxResponse | undefined {
  const c = oauth2.clientCredentials(req);
  if (c.id !== ctx.config.clientId || c.secret !== ctx.config.clientSecret)
    return oauthError(401, 'invalid_client', 'Client authentication failed');
  return undefined;
}

export function oauthRoutes(r: Router, ctx: LinkedInContext): void {
  r.add('GET', '/oauth/v2/authorization', (req) => authorize(ctx, req.query));
  oauth2.decisionRoute(r, DECISION_PATH, ctx, checkAuthorize, approve, DENIED);
  r.add('POST', '/oauth/v2/accessToken', (req) => accessToken(ctx, req));
  r.add('POST', '/oauth/v2/introspectToken', (req) => {
    const bad = clientFormOk(ctx, req);
    if (bad) return bad;
    const t = oauth2.field(req.body['token']);
    const record = t ? ctx.tokens.get(t) : undefined;
    if (!record) return json(200, { active: false });
    const check = ctx.tokens.validate(record.token, record.kind);
    const status = check.ok ? 'active' : check.problem === 'expired' ? 'expired' : 'revoked';
    return json(200, {
      active: check.ok,
      client_id: record.clientId,
      authorized_at: Math.floor(record.issuedAt / 1000),
      created_at: Math.floor(record.issuedAt / 1000),
      status,
      expires_at: record.expiresAt === null ? null : Math.floor(record.expiresAt / 1000),
      scope: record.scopes.join(','),
      auth_type: '3L',
    });
  });
  r.add('POST', '/oauth/v2/revoke', (req) => {
    const bad = clientFormOk(ctx, req);
    if (bad) return bad;
    const t = oauth2.field(req.body['token']);
    const record = t ? ctx.tokens.get(t) : undefined;
    if (!record) return oauthError(400, 'invalid_request', 'The token is invalid');
    ctx.tokens.revokeGrant(record.grantId, 'revoked_by_app');
    return { status: 200, body: '' };
  });
}
