/**
 * LinkedIn's www.linkedin.com OAuth 2.0: `/oauth/v2/authorization` (scopes separated by spaces or
 * commas), `/oauth/v2/accessToken` (form; code and refresh grants), `/oauth/v2/introspectToken`
 * and `/oauth/v2/revoke`. Access tokens last 60 days; refresh tokens (only for apps approved for
 * programmatic refresh) last 365 days from the first authorization, and refreshing never extends
 * that.
 */
import { createHash } from 'node:crypto';
import { isRedirectUri, readDecision, renderConsentPage, withParams } from '../../../sandbox/kit/consent.ts';
import {
  header,
  html,
  json,
  redirect,
  type Router,
  type SandboxRequest,
  type SandboxResponse,
} from '../../../sandbox/kit/server.ts';
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
const DECISION_PATH = '/oauth/v2/authorization/decision';

function errorPage(detail: string): SandboxResponse {
  return html(
    400,
    `<!doctype html><meta charset="utf-8"><title>LinkedIn</title><h1>Bummer, something went wrong.</h1><p>${detail}</p>`,
  );
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

export function splitScopes(raw: string | undefined): string[] {
  return (raw ?? '').split(/[\s,]+/).filter(Boolean);
}

function checkAuthorize(ctx: LinkedInContext, q: Record<string, string>): SandboxResponse | undefined {
  if (q['client_id'] !== ctx.config.clientId) return errorPage('The passed in client_id is invalid.');
  const uri = q['redirect_uri'];
  if (!isRedirectUri(uri) || (ctx.config.redirectUris.length > 0 && !ctx.config.redirectUris.includes(uri))) {
    return errorPage('The redirect_uri does not match the registered value.');
  }
  if (q['response_type'] !== 'code') return errorPage('The response_type must be "code".');
  return undefined;
}

function approve(ctx: LinkedInContext, q: Record<string, string>): SandboxResponse {
  const extra: Record<string, string> = {};
  if (q['code_challenge']) {
    extra['code_challenge'] = q['code_challenge'];
    extra['code_challenge_method'] = q['code_challenge_method'] ?? 'plain';
  }
  const code = ctx.tokens.issueCode({
    clientId: ctx.config.clientId,
    redirectUri: q['redirect_uri'] ?? '',
    subject: ctx.world.member.id,
    scopes: splitScopes(q['scope']),
    ttlSeconds: ctx.config.codeTtlSeconds,
    extra,
  });
  return redirect(withParams(q['redirect_uri'] ?? '', { code: code.code, state: q['state'] }));
}

function authorize(ctx: LinkedInContext, q: Record<string, string>): SandboxResponse {
  const bad = checkAuthorize(ctx, q);
  if (bad) return bad;
  const scopes = splitScopes(q['scope']);
  const invalid = scopes.filter((s) => !KNOWN_SCOPES.includes(s));
  if (invalid.length || scopes.length === 0) {
    return redirect(
      withParams(q['redirect_uri'] ?? '', {
        error: 'unauthorized_scope_error',
        error_description: `Scope "${invalid[0] ?? ''}" is not authorized for your application`,
        state: q['state'],
      }),
    );
  }
  const carry: Record<string, string> = {};
  for (const k of ['response_type', 'client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method']) {
    const v = q[k];
    if (v !== undefined) carry[k] = v;
  }
  carry['scope'] = scopes.join(' ');
  if (ctx.config.autoConsent) return approve(ctx, carry);
  return html(
    200,
    renderConsentPage({
      platform: 'LinkedIn',
      appName: ctx.config.appName,
      scopes,
      action: DECISION_PATH,
      hidden: carry,
      userName: ctx.world.member.name,
    }),
  );
}

function clientOf(req: SandboxRequest): { id?: string; secret?: string } {
  const basic = /^Basic\s+(.+)$/i.exec(header(req, 'authorization') ?? '');
  if (basic?.[1]) {
    const [id, ...rest] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    return { id: id ?? '', secret: rest.join(':') };
  }
  const id = str(req.body['client_id']);
  const secret = str(req.body['client_secret']);
  return { ...(id === undefined ? {} : { id }), ...(secret === undefined ? {} : { secret }) };
}

function tokenBody(ctx: LinkedInContext, access: TokenRecord, refresh: TokenRecord | undefined): SandboxResponse {
  return json(200, {
    access_token: access.token,
    expires_in: ctx.tokens.expiresIn(access),
    ...(refresh ? { refresh_token: refresh.token, refresh_token_expires_in: ctx.tokens.expiresIn(refresh) } : {}),
    scope: access.scopes.join(','),
  });
}

function pkceOk(extra: Record<string, string>, verifier: string | undefined): boolean {
  const challenge = extra['code_challenge'];
  if (challenge === undefined) return true;
  if (!verifier) return false;
  const method = extra['code_challenge_method'] ?? 'plain';
  return method === 'S256'
    ? createHash('sha256').update(verifier).digest('base64url') === challenge
    : verifier === challenge;
}

function accessToken(ctx: LinkedInContext, req: SandboxRequest): SandboxResponse {
  const type = (header(req, 'content-type') ?? '').toLowerCase();
  if (!type.includes('application/x-www-form-urlencoded'))
    return oauthError(400, 'invalid_request', 'The request must be application/x-www-form-urlencoded');
  const b = req.body;
  const grant = str(b['grant_type']);
  if (!grant) return oauthError(400, 'invalid_request', 'A required parameter "grant_type" is missing');
  if (grant !== 'authorization_code' && grant !== 'refresh_token')
    return oauthError(400, 'unsupported_grant_type', `The grant type "${grant}" is not supported`);
  const client = clientOf(req);
  if (!client.id) return oauthError(400, 'invalid_request', 'A required parameter "client_id" is missing');
  if (!client.secret) return oauthError(400, 'invalid_request', 'A required parameter "client_secret" is missing');
  if (client.id !== ctx.config.clientId || client.secret !== ctx.config.clientSecret)
    return oauthError(401, 'invalid_client', 'Client authentication failed');

  if (grant === 'refresh_token') return refreshGrant(ctx, str(b['refresh_token']));

  const code = str(b['code']);
  if (!code) return oauthError(400, 'invalid_request', 'A required parameter "code" is missing');
  const redirectUri = str(b['redirect_uri']);
  if (!redirectUri) return oauthError(400, 'invalid_request', 'A required parameter "redirect_uri" is missing');
  const redeemed = ctx.tokens.redeemCode(code, client.id, redirectUri);
  if (!redeemed.ok || !pkceOk(redeemed.code.extra, str(b['code_verifier'])))
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
  if (!check.ok || check.record.clientId !== ctx.config.clientId) {
    return oauthError(
      400,
      'invalid_grant',
      'The provided authorization grant or refresh token is invalid, expired or revoked',
    );
  }
  let refresh = check.record;
  if (ctx.config.rotateRefreshTokens) {
    // The new refresh token keeps the original 365-day end date.
    const rotated = ctx.tokens.rotateRefresh(old, ctx.tokens.expiresIn(check.record));
    if (!rotated.ok)
      return oauthError(
        400,
        'invalid_grant',
        'The provided authorization grant or refresh token is invalid, expired or revoked',
      );
    refresh = rotated.record;
  } else {
    ctx.tokens.recordRefresh(check.record.grantId);
  }
  const access = ctx.tokens.issue({
    kind: 'access',
    clientId: refresh.clientId,
    subject: refresh.subject,
    scopes: refresh.scopes,
    ttlSeconds: ctx.config.accessTokenTtlSeconds,
    grantId: refresh.grantId,
  });
  return tokenBody(ctx, access, refresh);
}

function clientFormOk(ctx: LinkedInContext, req: SandboxRequest): SandboxResponse | undefined {
  const c = clientOf(req);
  if (c.id !== ctx.config.clientId || c.secret !== ctx.config.clientSecret)
    return oauthError(401, 'invalid_client', 'Client authentication failed');
  return undefined;
}

export function oauthRoutes(r: Router, ctx: LinkedInContext): void {
  r.add('GET', '/oauth/v2/authorization', (req) => authorize(ctx, req.query));
  r.add('POST', DECISION_PATH, (req) => {
    const carry: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.body)) if (typeof v === 'string' && k !== 'decision') carry[k] = v;
    const bad = checkAuthorize(ctx, carry);
    if (bad) return bad;
    if (readDecision(req.body) === 'allow') return approve(ctx, carry);
    return redirect(
      withParams(carry['redirect_uri'] ?? '', {
        error: 'user_cancelled_authorize',
        error_description: 'The user cancelled the authorization',
        state: carry['state'],
      }),
    );
  });
  r.add('POST', '/oauth/v2/accessToken', (req) => accessToken(ctx, req));
  r.add('POST', '/oauth/v2/introspectToken', (req) => {
    const bad = clientFormOk(ctx, req);
    if (bad) return bad;
    const t = str(req.body['token']);
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
    const t = str(req.body['token']);
    const record = t ? ctx.tokens.get(t) : undefined;
    if (!record) return oauthError(400, 'invalid_request', 'The token is invalid');
    ctx.tokens.revokeGrant(record.grantId, 'revoked_by_app');
    return { status: 200, body: '' };
  });
}
