/**
 * accounts.snapchat.com OAuth 2.0: `/login/oauth2/authorize` (and the `/accounts/oauth2/auth`
 * alias) and the form-encoded `/login/oauth2/access_token` for the code and refresh grants.
 * Access tokens last one hour; refresh tokens have no documented expiry and, by default, are
 * not rotated (both configurable, since the docs leave them open).
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
import type { SnapContext } from './context.ts';

const KNOWN_SCOPES = ['snapchat-marketing-api', 'snapchat-offline-conversions-api', 'snapchat-profile-api'];
const DECISION_PATH = '/login/oauth2/authorize/decision';

function oauthError(status: number, error: string, description: string): SandboxResponse {
  return json(status, { error, error_description: description });
}

function errorPage(detail: string): SandboxResponse {
  return html(
    400,
    `<!doctype html><meta charset="utf-8"><title>Snapchat</title><h1>Something went wrong</h1><p>${detail}</p>`,
  );
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function checkAuthorize(ctx: SnapContext, q: Record<string, string>): SandboxResponse | undefined {
  if (q['client_id'] !== ctx.config.clientId) return errorPage('Invalid client_id.');
  const uri = q['redirect_uri'];
  if (!isRedirectUri(uri) || (ctx.config.redirectUris.length > 0 && !ctx.config.redirectUris.includes(uri)))
    return errorPage('Invalid redirect_uri.');
  if (q['response_type'] !== 'code') return errorPage('Unsupported response_type.');
  return undefined;
}

function approve(ctx: SnapContext, q: Record<string, string>): SandboxResponse {
  const extra: Record<string, string> = {};
  if (q['code_challenge']) {
    extra['code_challenge'] = q['code_challenge'];
    extra['code_challenge_method'] = q['code_challenge_method'] ?? 'plain';
  }
  const code = ctx.tokens.issueCode({
    clientId: ctx.config.clientId,
    redirectUri: q['redirect_uri'] ?? '',
    subject: ctx.world.me.id,
    scopes: (q['scope'] ?? '').split(/\s+/).filter(Boolean),
    ttlSeconds: 600,
    extra,
  });
  return redirect(withParams(q['redirect_uri'] ?? '', { code: code.code, state: q['state'] }));
}

function authorize(ctx: SnapContext, q: Record<string, string>): SandboxResponse {
  const bad = checkAuthorize(ctx, q);
  if (bad) return bad;
  const scopes = (q['scope'] ?? '').split(/[\s,]+/).filter(Boolean);
  const invalid = scopes.filter((s) => !KNOWN_SCOPES.includes(s));
  if (scopes.length === 0 || invalid.length) {
    return redirect(
      withParams(q['redirect_uri'] ?? '', {
        error: 'invalid_scope',
        error_description: `Invalid scope: ${invalid.join(' ')}`,
        state: q['state'],
      }),
    );
  }
  const carry: Record<string, string> = { scope: scopes.join(' ') };
  for (const k of ['client_id', 'redirect_uri', 'response_type', 'state', 'code_challenge', 'code_challenge_method']) {
    const v = q[k];
    if (v !== undefined) carry[k] = v;
  }
  if (ctx.config.autoConsent) return approve(ctx, carry);
  return html(
    200,
    renderConsentPage({
      platform: 'Snapchat',
      appName: ctx.config.appName,
      scopes,
      action: DECISION_PATH,
      hidden: carry,
      userName: ctx.world.me.display_name,
    }),
  );
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
  if (!(header(req, 'content-type') ?? '').toLowerCase().includes('application/x-www-form-urlencoded')) {
    return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  }
  const b = req.body;
  const basic = /^Basic\s+(.+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
  const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
  const clientId = basicId ?? str(b['client_id']);
  const clientSecret = basicSecret ?? str(b['client_secret']);
  const grant = str(b['grant_type']);
  if (grant !== 'authorization_code' && grant !== 'refresh_token')
    return oauthError(400, 'unsupported_grant_type', `Unsupported grant_type: ${grant ?? ''}`);
  if (clientId !== ctx.config.clientId || clientSecret !== ctx.config.clientSecret)
    return oauthError(401, 'invalid_client', 'Invalid client credentials');

  if (grant === 'refresh_token') {
    const old = str(b['refresh_token']);
    if (!old) return oauthError(400, 'invalid_request', 'Missing refresh_token');
    const check = ctx.tokens.validate(old, 'refresh');
    if (!check.ok || check.record.clientId !== clientId)
      return oauthError(400, 'invalid_grant', 'Invalid refresh token');
    let refresh = check.record;
    if (ctx.config.rotateRefreshTokens) {
      const rotated = ctx.tokens.rotateRefresh(old, ctx.config.refreshTokenTtlSeconds);
      if (!rotated.ok) return oauthError(400, 'invalid_grant', 'Invalid refresh token');
      refresh = rotated.record;
    } else {
      ctx.tokens.recordRefresh(check.record.grantId);
    }
    const access = ctx.tokens.issue({
      kind: 'access',
      clientId,
      subject: refresh.subject,
      scopes: refresh.scopes,
      ttlSeconds: ctx.config.accessTokenTtlSeconds,
      grantId: refresh.grantId,
    });
    return tokenBody(ctx, access, refresh);
  }

  const code = str(b['code']);
  if (!code) return oauthError(400, 'invalid_request', 'Missing code');
  const redeemed = ctx.tokens.redeemCode(code, clientId, str(b['redirect_uri']) ?? '');
  if (!redeemed.ok) {
    return redeemed.problem === 'redirect_mismatch'
      ? oauthError(400, 'invalid_grant', 'Redirect URI mismatch')
      : oauthError(400, 'invalid_grant', 'Invalid authorization code');
  }
  const c = redeemed.code;
  const challenge = c.extra['code_challenge'];
  if (challenge !== undefined) {
    const verifier = str(b['code_verifier']) ?? '';
    const expected =
      c.extra['code_challenge_method'] === 'S256'
        ? createHash('sha256').update(verifier).digest('base64url')
        : verifier;
    if (!verifier || expected !== challenge) return oauthError(400, 'invalid_grant', 'Invalid code_verifier');
  }
  const grantId = ctx.tokens.newGrantId();
  const base = { clientId: c.clientId, subject: c.subject, scopes: c.scopes, grantId };
  const refresh = ctx.tokens.issue({ ...base, kind: 'refresh', ttlSeconds: ctx.config.refreshTokenTtlSeconds });
  const access = ctx.tokens.issue({ ...base, kind: 'access', ttlSeconds: ctx.config.accessTokenTtlSeconds });
  return tokenBody(ctx, access, refresh);
}

export function oauthRoutes(r: Router, ctx: SnapContext): void {
  for (const path of ['/login/oauth2/authorize', '/accounts/oauth2/auth'])
    r.add('GET', path, (req) => authorize(ctx, req.query));
  r.add('POST', DECISION_PATH, (req) => {
    const carry: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.body)) if (typeof v === 'string' && k !== 'decision') carry[k] = v;
    const bad = checkAuthorize(ctx, carry);
    if (bad) return bad;
    if (readDecision(req.body) === 'allow') return approve(ctx, carry);
    return redirect(
      withParams(carry['redirect_uri'] ?? '', {
        error: 'access_denied',
        error_description: 'The user denied the request',
        state: carry['state'],
      }),
    );
  });
  r.add('POST', '/login/oauth2/access_token', (req) => token(ctx, req));
}
