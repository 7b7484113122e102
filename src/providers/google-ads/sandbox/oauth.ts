/**
 * Google OAuth 2.0 as the web-server flow sees it: the accounts.google.com consent screen,
 * oauth2.googleapis.com `/token` (code and refresh grants, client_secret_post or Basic, PKCE),
 * `/revoke` and `/tokeninfo`. A refresh token is only handed out with access_type=offline, and
 * only on the first consent or when prompt=consent forces a new one.
 */
import * as oauth2 from '../../../sandbox/kit/oauth2.ts';
import { html, json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { TokenRecord } from '../../../sandbox/kit/tokens.ts';
import { ADWORDS_SCOPE, type GoogleContext } from './context.ts';
import { oauthError } from './errors.ts';
import { pkceMatches, validVerifier } from './pkce.ts';

const KNOWN_SCOPES = new Set([
  ADWORDS_SCOPE,
  'openid',
  'email',
  'profile',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/userinfo.profile',
]);

const AUTHORIZE_PATHS = ['/o/oauth2/v2/auth', '/o/oauth2/auth'];
const DECISION_PATH = '/o/oauth2/v2/auth/decision';
/** oauth2.googleapis.com/token plus the older www.googleapis.com spellings some clients still use. */
const TOKEN_PATHS = ['/token', '/oauth2/v4/token', '/oauth2/v3/token'];
const REVOKE_PATHS = ['/revoke', '/o/oauth2/revoke'];
const TOKENINFO_PATHS = ['/tokeninfo', '/oauth2/v3/tokeninfo'];

function errorPage(status: number, error: string, detail: string): SandboxResponse {
  return html(
    status,
    `<!doctype html><meta charset="utf-8"><title>Error ${status}: ${error}</title><h1>Access blocked: authorization error</h1><p>${detail}</p><p>Error ${status}: ${error}</p>`,
  );
}

type Carry = Record<string, string>;

export function oauthRoutes(r: Router, ctx: GoogleContext): void {
  for (const path of AUTHORIZE_PATHS) r.add('GET', path, (req) => authorize(ctx, req.query));
  oauth2.decisionRoute(r, DECISION_PATH, ctx, checkAuthorize, approve, { error: 'access_denied' });
  for (const path of TOKEN_PATHS) r.add('POST', path, (req) => token(ctx, req));
  for (const path of REVOKE_PATHS) r.add(['POST', 'GET'], path, (req) => revoke(ctx, req));
  for (const path of TOKENINFO_PATHS) r.add(['GET', 'POST'], path, (req) => tokenInfo(ctx, req));
}

function checkAuthorize(ctx: GoogleContext, q: Record<string, string>): SandboxResponse | undefined {
  if (q['client_id'] !== ctx.config.clientId)
    return errorPage(401, 'invalid_client', 'The OAuth client was not found.');
  const uri = q['redirect_uri'];
  if (!oauth2.registeredRedirect(uri, ctx.config.redirectUris)) {
    return errorPage(
      400,
      'redirect_uri_mismatch',
      `You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. redirect_uri=${uri ?? ''}`,
    );
  }
  if (q['response_type'] !== 'code')
    return errorPage(400, 'invalid_request', 'Required parameter is missing or invalid: response_type');
  const scopes = (q['scope'] ?? '').split(/\s+/).filter(Boolean);
  if (scopes.length === 0) return errorPage(400, 'invalid_request', 'Missing required parameter: scope');
  const invalid = scopes.filter((s) => !KNOWN_SCOPES.has(s));
  if (invalid.length)
    return errorPage(400, 'invalid_scope', `Some requested scopes were invalid. {invalid=[${invalid.join(', ')}]}`);
  const method = q['code_challenge_method'];
  if (q['code_challenge'] !== undefined && method !== undefined && method !== 'S256' && method !== 'plain') {
    return errorPage(400, 'invalid_request', 'Invalid code_challenge_method value.');
  }
  if (q['access_type'] !== undefined && q['access_type'] !== 'offline' && q['access_type'] !== 'online') {
    return errorPage(400, 'invalid_request', `Invalid access_type: ${q['access_type']}`);
  }
  return undefined;
}

function authorize(ctx: GoogleContext, q: Record<string, string>): SandboxResponse {
  const bad = checkAuthorize(ctx, q);
  if (bad) return bad;
  const carry = oauth2.pickParams(q, [
    'client_id',
    'redirect_uri',
    'response_type',
    'scope',
    'state',
    'access_type',
    'prompt',
    'code_challenge',
    'code_challenge_method',
    'include_granted_scopes',
    'login_hint',
  ]);
  const scopes = (carry['scope'] ?? '').split(/\s+/).filter(Boolean);
  const screen = { platform: 'Google', action: DECISION_PATH, userName: ctx.world.user.email };
  return oauth2.askConsent(ctx.config, screen, carry, scopes, (c) => approve(ctx, c));
}

function approve(ctx: GoogleContext, carry: Carry): SandboxResponse {
  const extra = {
    access_type: carry['access_type'] ?? 'online',
    prompt: carry['prompt'] ?? '',
    ...oauth2.pkceExtra(carry),
  };
  const scope = (carry['scope'] ?? '').split(/\s+/).filter(Boolean);
  const code = ctx.tokens.issueCode({
    clientId: carry['client_id'] ?? '',
    redirectUri: carry['redirect_uri'] ?? '',
    subject: ctx.world.user.sub,
    scopes: scope,
    ttlSeconds: 600,
    extra,
  });
  return oauth2.redirectWith(carry['redirect_uri'] ?? '', {
    state: carry['state'],
    code: code.code,
    scope: scope.join(' '),
  });
}

function tokenBody(ctx: GoogleContext, access: TokenRecord, refresh: TokenRecord | undefined): SandboxResponse {
  const body: Record<string, unknown> = {
    access_token: access.token,
    // Google reports one second less than the token's life.
    expires_in: Math.max(0, (ctx.tokens.expiresIn(access) ?? ctx.config.accessTokenTtlSeconds) - 1),
  };
  if (refresh) {
    body['refresh_token'] = refresh.token;
    const left = ctx.tokens.expiresIn(refresh);
    if (left !== null) body['refresh_token_expires_in'] = left;
  }
  body['scope'] = access.scopes.join(' ');
  body['token_type'] = 'Bearer';
  return json(200, body, { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate', pragma: 'no-cache' });
}

function token(ctx: GoogleContext, req: SandboxRequest): SandboxResponse {
  const p = { ...req.query, ...req.body };
  // client_secret_post or HTTP Basic, as Google accepts both.
  const client = oauth2.clientCredentials(req, p, true);
  const grant = oauth2.field(p['grant_type']);
  if (!grant) return oauthError(400, 'unsupported_grant_type', 'Invalid grant_type: ');
  if (grant !== 'authorization_code' && grant !== 'refresh_token')
    return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grant}`);
  if (!client.id) return oauthError(400, 'invalid_request', 'Could not determine client ID from request.');
  if (client.id !== ctx.config.clientId) return oauthError(401, 'invalid_client', 'The OAuth client was not found.');
  if (client.secret !== ctx.config.clientSecret) return oauthError(401, 'invalid_client', 'Unauthorized');
  return grant === 'authorization_code' ? exchange(ctx, p) : refreshGrant(ctx, p);
}

function exchange(ctx: GoogleContext, p: Record<string, unknown>): SandboxResponse {
  const code = oauth2.field(p['code']);
  if (!code) return oauthError(400, 'invalid_request', 'Missing required parameter: code');
  const redirectUri = oauth2.field(p['redirect_uri']);
  if (!redirectUri) return oauthError(400, 'invalid_request', 'Missing parameter: redirect_uri');
  const redeemed = ctx.tokens.redeemCode(code, ctx.config.clientId, redirectUri);
  if (!redeemed.ok) {
    if (redeemed.problem === 'redirect_mismatch') return oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
    if (redeemed.problem === 'unknown') return oauthError(400, 'invalid_grant', 'Malformed auth code.');
    return oauthError(400, 'invalid_grant', 'Bad Request');
  }
  const c = redeemed.code;
  const challenge = c.extra['code_challenge'];
  if (challenge !== undefined) {
    const verifier = oauth2.field(p['code_verifier']);
    if (!verifier) return oauthError(400, 'invalid_grant', 'Missing code verifier.');
    if (!validVerifier(verifier) || !pkceMatches(challenge, c.extra['code_challenge_method'] ?? 'plain', verifier)) {
      return oauthError(400, 'invalid_grant', 'Invalid code verifier.');
    }
  }
  const grantId = ctx.tokens.newGrantId();
  let refresh: TokenRecord | undefined;
  if (c.extra['access_type'] === 'offline') {
    const prompts = (c.extra['prompt'] ?? '').split(/\s+/);
    const consentedBefore = ctx.tokens
      .all()
      .some(
        (t) =>
          t.kind === 'refresh' &&
          t.clientId === c.clientId &&
          t.subject === c.subject &&
          ctx.tokens.validate(t.token, 'refresh').ok,
      );
    if (!consentedBefore || prompts.includes('consent')) {
      refresh = ctx.tokens.issue({
        kind: 'refresh',
        clientId: c.clientId,
        subject: c.subject,
        scopes: c.scopes,
        ttlSeconds: ctx.config.refreshTokenTtlSeconds,
        grantId,
        label: 'offline',
      });
    }
  }
  const access = ctx.tokens.issue({
    kind: 'access',
    clientId: c.clientId,
    subject: c.subject,
    scopes: c.scopes,
    ttlSeconds: ctx.config.accessTokenTtlSeconds,
    grantId,
    label: c.extra['access_type'] === 'offline' ? 'offline' : 'online',
  });
  return tokenBody(ctx, access, refresh);
}

function refreshGrant(ctx: GoogleContext, p: Record<string, unknown>): SandboxResponse {
  const old = oauth2.field(p['refresh_token']);
  if (!old) return oauthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
  const check = ctx.tokens.validate(old, 'refresh');
  if (!check.ok) return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
  if (check.record.clientId !== ctx.config.clientId) return oauthError(401, 'unauthorized_client', 'Unauthorized');
  const rotate = ctx.config.rotateRefreshTokens;
  const refresh = oauth2.renewRefresh(ctx.tokens, check.record, rotate, ctx.tokens.expiresIn(check.record));
  if (!refresh) return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
  const access = oauth2.accessFrom(ctx.tokens, check.record, ctx.config.accessTokenTtlSeconds, 'offline');
  // Only a rotated refresh token is sent back; otherwise the client keeps the one it has.
  return tokenBody(ctx, access, rotate ? refresh : undefined);
}

/** Revoking either token of a grant kills the whole grant, as Google documents. */
function revoke(ctx: GoogleContext, req: SandboxRequest): SandboxResponse {
  const t = oauth2.field(req.body['token']) ?? oauth2.field(req.query['token']);
  const record = t ? ctx.tokens.get(t) : undefined;
  const live = t ? ctx.tokens.validate(t, record?.kind ?? 'access').ok : false;
  if (!record || !live) return oauthError(400, 'invalid_token', 'Token expired or revoked');
  ctx.tokens.revokeGrant(record.grantId, 'revoked_by_client');
  return json(200, {});
}

function tokenInfo(ctx: GoogleContext, req: SandboxRequest): SandboxResponse {
  const t = oauth2.field(req.query['access_token']) ?? oauth2.field(req.body['access_token']);
  const check = t ? ctx.tokens.validate(t) : undefined;
  if (!check?.ok) return oauthError(400, 'invalid_token', 'Invalid Value');
  const r = check.record;
  return json(200, {
    azp: r.clientId,
    aud: r.clientId,
    sub: r.subject,
    scope: r.scopes.join(' '),
    exp: String(Math.floor((r.expiresAt ?? 0) / 1000)),
    expires_in: String(ctx.tokens.expiresIn(r) ?? 0),
    ...(r.scopes.includes('email') || r.scopes.some((s) => s.endsWith('userinfo.email'))
      ? { email: ctx.world.user.email, email_verified: 'true' }
      : {}),
    access_type: r.label === 'offline' ? 'offline' : 'online',
  });
}
