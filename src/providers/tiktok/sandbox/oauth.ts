/**
 * TikTok's advertiser authorization: the `/portal/auth` consent page that redirects with
 * `auth_code` (and `code`), the JSON token call with `app_id` / `secret` / `auth_code`, revoke,
 * and the authorized-advertiser list. No grant_type, no refresh token: the long-term token has
 * no timer and lives until the advertiser de-authorizes or it is revoked.
 */
import * as oauth2 from '../../../sandbox/kit/oauth2.ts';
import { header, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { TokenProblem } from '../../../sandbox/kit/tokens.ts';
import type { TikTokContext } from './context.ts';
import { ok, reply } from './envelope.ts';

const DECISION_PATH = '/portal/auth/decision';
export const SUBJECT = 'tiktok-business-user';

function errorPage(title: string, detail: string): SandboxResponse {
  return oauth2.errorPage(400, title, title, detail);
}

function checkAuthorize(ctx: TikTokContext, q: Record<string, string>): SandboxResponse | undefined {
  if (q['app_id'] !== ctx.config.appId)
    return errorPage('Invalid app', 'The app_id is invalid or the app is not available.');
  if (!oauth2.registeredRedirect(q['redirect_uri'], ctx.config.redirectUris)) {
    return errorPage(
      'Invalid redirect_uri',
      'The redirect_uri does not match any advertiser redirect URL configured for this app.',
    );
  }
  return undefined;
}

function approve(ctx: TikTokContext, q: Record<string, string>): SandboxResponse {
  const code = ctx.tokens.issueCode({
    clientId: ctx.config.appId,
    redirectUri: q['redirect_uri'] ?? '',
    subject: SUBJECT,
    scopes: ctx.config.scopes.map(String),
    ttlSeconds: ctx.config.authCodeTtlSeconds,
  });
  return oauth2.redirectWith(q['redirect_uri'] ?? '', { auth_code: code.code, code: code.code, state: q['state'] });
}

export function tokenProblem(ctx: TikTokContext, problem: TokenProblem | 'missing'): SandboxResponse {
  const now = ctx.now();
  if (problem === 'missing')
    return reply(now, 40104, 'Access token is null, please set it in http header with key Access-Token.');
  if (problem === 'expired') return reply(now, 40102, 'Access token has expired.');
  return reply(now, 40105, 'Access token is incorrect or has been revoked.');
}

/** The `Access-Token` header check every Marketing API call starts with. */
export function authenticate(
  ctx: TikTokContext,
  req: SandboxRequest,
): { ok: true; advertiserIds: string[] } | { ok: false; res: SandboxResponse } {
  const token = header(req, 'access-token');
  if (!token) return { ok: false, res: tokenProblem(ctx, 'missing') };
  const check = ctx.tokens.validate(token);
  if (!check.ok) return { ok: false, res: tokenProblem(ctx, check.problem) };
  return { ok: true, advertiserIds: ctx.world.advertisers.map((a) => a.advertiser_id) };
}

/** app_id + secret as the token, revoke and advertiser/get calls take them. */
function checkApp(
  ctx: TikTokContext,
  appId: string | undefined,
  secret: string | undefined,
): SandboxResponse | undefined {
  const now = ctx.now();
  if (!appId) return reply(now, 40002, 'app_id: Missing data for required field.');
  if (!secret) return reply(now, 40002, 'secret: Missing data for required field.');
  if (appId !== ctx.config.appId) return reply(now, 40113, 'The app does not exist or has been blocked.');
  if (secret !== ctx.config.secret) return reply(now, 40101, 'Auth params invalid: the app secret is incorrect.');
  return undefined;
}

/** The token and revoke calls: a JSON body that names the app by its id and secret, and one required field. */
function appCall(
  ctx: TikTokContext,
  key: string,
  handle: (ctx: TikTokContext, value: string) => SandboxResponse,
): (req: SandboxRequest) => SandboxResponse {
  return (req) => {
    const b = req.body;
    const bad = requireJson(ctx, req) ?? checkApp(ctx, oauth2.field(b['app_id']), oauth2.field(b['secret']));
    if (bad) return bad;
    const value = oauth2.field(b[key]);
    return value ? handle(ctx, value) : reply(ctx.now(), 40002, `${key}: Missing data for required field.`);
  };
}

function exchangeAuthCode(ctx: TikTokContext, authCode: string): SandboxResponse {
  const redeemed = ctx.tokens.redeemCode(authCode, ctx.config.appId, undefined);
  if (!redeemed.ok) {
    const why =
      redeemed.problem === 'used' ? 'has been used' : redeemed.problem === 'expired' ? 'has expired' : 'is invalid';
    return reply(ctx.now(), 40110, `Auth_code ${why}.`);
  }
  const record = ctx.tokens.issue({
    kind: 'access',
    clientId: ctx.config.appId,
    subject: redeemed.code.subject,
    scopes: redeemed.code.scopes,
    ttlSeconds: ctx.config.accessTokenTtlSeconds,
    label: 'long_term',
  });
  return ok(ctx.now(), {
    access_token: record.token,
    advertiser_ids: ctx.world.advertisers.map((a) => a.advertiser_id),
    scope: record.scopes.map(Number),
  });
}

function revokeToken(ctx: TikTokContext, token: string): SandboxResponse {
  const check = ctx.tokens.validate(token);
  if (!check.ok) return tokenProblem(ctx, check.problem);
  ctx.tokens.revokeGrant(check.record.grantId, 'revoked_by_app');
  return ok(ctx.now(), {});
}

export function requireJson(ctx: TikTokContext, req: SandboxRequest): SandboxResponse | undefined {
  const type = (header(req, 'content-type') ?? '').toLowerCase();
  if (!type.includes('application/json') || req.bodyError)
    return reply(ctx.now(), 40002, 'Request body must be valid JSON with Content-Type: application/json.');
  return undefined;
}

export function oauthRoutes(r: Router, ctx: TikTokContext): void {
  r.add('GET', '/portal/auth', (req) => {
    const bad = checkAuthorize(ctx, req.query);
    if (bad) return bad;
    const carry: Record<string, string> = {
      app_id: req.query['app_id'] ?? '',
      redirect_uri: req.query['redirect_uri'] ?? '',
    };
    if (req.query['state'] !== undefined) carry['state'] = req.query['state'];
    const screen = { platform: 'TikTok for Business', action: DECISION_PATH, userName: 'Sandbox Advertiser' };
    const scopes = ctx.config.scopes.map((s) => `permission ${s}`);
    return oauth2.askConsent(ctx.config, screen, carry, scopes, (c) => approve(ctx, c));
  });
  oauth2.decisionRoute(r, DECISION_PATH, ctx, checkAuthorize, approve, {
    error: 'access_denied',
    error_description: 'The user cancelled the authorization.',
  });

  r.add('POST', '/open_api/:version/oauth2/access_token/', appCall(ctx, 'auth_code', exchangeAuthCode));
  r.add('POST', '/open_api/:version/oauth2/revoke_token/', appCall(ctx, 'access_token', revokeToken));

  r.add('GET', '/open_api/:version/oauth2/advertiser/get/', (req) => {
    const auth = authenticate(ctx, req);
    if (!auth.ok) return auth.res;
    const bad = checkApp(ctx, oauth2.field(req.query['app_id']), oauth2.field(req.query['secret']));
    if (bad) return bad;
    const list = ctx.world.advertisers
      .filter((a) => auth.advertiserIds.includes(a.advertiser_id))
      .map((a) => ({ advertiser_id: a.advertiser_id, advertiser_name: a.name }));
    return ok(ctx.now(), { list });
  });
}
