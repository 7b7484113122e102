/**
 * Facebook Login as the platform runs it: the versioned OAuth dialog (consent, state echoed,
 * `#_=_` appended to redirects), code exchange for a short-lived token, `fb_exchange_token` for
 * a ~60-day token (each counted as a refresh of the grant), the app token, `/debug_token`, and
 * `DELETE /{user-id}/permissions` which logs the app out.
 */
import { isRedirectUri, withParams } from '../../../sandbox/kit/consent.ts';
import * as oauth2 from '../../../sandbox/kit/oauth2.ts';
import { json, redirect, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import { appToken, authenticate, params, str, tokenError, type MetaContext } from './context.ts';
import { graphError, invalidParam, unsupportedRequest } from './errors.ts';

export const KNOWN_SCOPES = [
  'public_profile',
  'email',
  'ads_read',
  'ads_management',
  'business_management',
  'read_insights',
  'leads_retrieval',
  'pages_manage_metadata',
  'pages_show_list',
  'pages_read_engagement',
  'pages_manage_ads',
];

const DECISION_PATH = '/dialog/oauth/decision';

/** Meta appends an empty fragment to login redirects; clients must tolerate it. */
function loginRedirect(uri: string, q: Record<string, string | undefined>): SandboxResponse {
  return redirect(`${withParams(uri, q)}#_=_`);
}

function errorPage(status: number, title: string, detail: string): SandboxResponse {
  return oauth2.errorPage(status, title, title, detail);
}

export function parseScopes(raw: string | undefined): string[] {
  return (raw ?? 'public_profile').split(/[\s,]+/).filter(Boolean);
}

export function oauthRoutes(r: Router, ctx: MetaContext): void {
  r.add('GET', '/dialog/oauth', (req) => {
    const p = params(req);
    const clientId = str(p, 'client_id');
    const redirectUri = str(p, 'redirect_uri');
    if (clientId !== ctx.config.appId)
      return errorPage(400, 'Invalid App ID', 'The provided app ID does not look like a valid app ID.');
    if (!isRedirectUri(redirectUri))
      return errorPage(400, 'URL blocked', 'The redirect_uri is not a valid absolute URL.');
    const scopes = parseScopes(str(p, 'scope'));
    const invalid = scopes.filter((s) => !KNOWN_SCOPES.includes(s));
    if (invalid.length) return errorPage(400, 'Invalid Scopes', `Invalid Scopes: ${invalid.join(', ')}`);
    const carry = {
      client_id: clientId,
      redirect_uri: redirectUri,
      state: str(p, 'state') ?? '',
      scope: scopes.join(','),
      version: versionOf(req, ctx),
    };
    const screen = { platform: 'Meta', action: `/${carry.version}${DECISION_PATH}`, userName: ctx.config.user.name };
    return oauth2.askConsent(ctx.config, screen, carry, scopes, (c) => allow(ctx, c));
  });
  oauth2.decisionRoute(r, DECISION_PATH, ctx, checkDecision, allow, (_ctx, carry) =>
    loginRedirect(carry['redirect_uri'] ?? '', {
      error: 'access_denied',
      error_code: '200',
      error_description: 'Permissions error',
      error_reason: 'user_denied',
      state: carry['state'] || undefined,
    }),
  );

  r.add(['GET', 'POST'], '/oauth/access_token', (req) => accessToken(ctx, req));
  r.add('GET', '/debug_token', (req) => debugToken(ctx, req));

  r.add('GET', '/:node/permissions', (req) => {
    const auth = authenticate(ctx, req);
    if (!auth.ok) return auth.res;
    if (!isUser(ctx, req.params['node'])) return unsupportedRequest('GET', req.params['node'] ?? '');
    const scopes = auth.caller.kind === 'user' ? auth.caller.record.scopes : [];
    return json(200, { data: scopes.map((permission) => ({ permission, status: 'granted' })) });
  });
  r.add('DELETE', '/:node/permissions', (req) => revoke(ctx, req, undefined));
  r.add('DELETE', '/:node/permissions/:permission', (req) => revoke(ctx, req, req.params['permission']));
}

function versionOf(req: SandboxRequest, ctx: MetaContext): string {
  return /^\/(v\d+\.\d+)\//.exec(req.path)?.[1] ?? ctx.config.version;
}

function isUser(ctx: MetaContext, node: string | undefined): boolean {
  return node === 'me' || node === ctx.config.user.id;
}

/** The consent form, posted back: it must still name this app and an absolute redirect URI. */
function checkDecision(ctx: MetaContext, carry: Record<string, string>): SandboxResponse | undefined {
  if (oauth2.namesApp(carry, ctx.config.appId)) return undefined;
  return errorPage(400, 'Invalid request', 'The login request is incomplete.');
}

function allow(ctx: MetaContext, carry: Record<string, string>): SandboxResponse {
  const code = oauth2.codeForCarry(ctx.tokens, carry, ctx.config.user.id, parseScopes(carry['scope'] ?? ''));
  return loginRedirect(carry['redirect_uri'] ?? '', { code: code.code, state: carry['state'] || undefined });
}

function tokenResponse(ctx: MetaContext, token: string, expiresIn: number | null): SandboxResponse {
  return json(200, {
    access_token: token,
    token_type: 'bearer',
    ...(expiresIn === null ? {} : { expires_in: expiresIn }),
  });
}

function accessToken(ctx: MetaContext, req: SandboxRequest): SandboxResponse {
  const p = params(req);
  if (str(p, 'client_id') !== ctx.config.appId)
    return graphError({ message: 'Error validating application. Invalid application ID.', code: 101 });
  if (str(p, 'client_secret') !== ctx.config.appSecret)
    return graphError({ message: 'Error validating client secret.', code: 1 });
  const grant = str(p, 'grant_type');

  if (grant === 'client_credentials') return tokenResponse(ctx, appToken(ctx), null);

  if (grant === 'fb_exchange_token') {
    const current = str(p, 'fb_exchange_token');
    if (!current) return invalidParam('Missing fb_exchange_token parameter');
    const check = ctx.tokens.validate(current);
    // An expired or revoked token cannot be exchanged; the user has to log in again.
    if (!check.ok) return tokenError(ctx, check.problem, check.record);
    if (check.record.clientId !== ctx.config.appId) return tokenError(ctx, 'unknown');
    ctx.tokens.recordRefresh(check.record.grantId);
    const next = ctx.tokens.issue({
      kind: 'access',
      clientId: check.record.clientId,
      subject: check.record.subject,
      scopes: check.record.scopes,
      ttlSeconds: ctx.config.longLivedTtlSeconds,
      grantId: check.record.grantId,
      label: 'long_lived',
    });
    return tokenResponse(ctx, next.token, ctx.config.longLivedTtlSeconds);
  }

  const code = str(p, 'code');
  if (!code) return invalidParam('Missing authorization code');
  const redeemed = ctx.tokens.redeemCode(code, ctx.config.appId, str(p, 'redirect_uri'));
  if (!redeemed.ok) {
    switch (redeemed.problem) {
      case 'used':
        return graphError({ message: 'This authorization code has been used.', code: 100, subcode: 36009 });
      case 'expired':
        return graphError({ message: 'This authorization code has expired.', code: 100, subcode: 36007 });
      case 'redirect_mismatch':
        return graphError({
          message:
            'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
          code: 100,
          subcode: 36008,
        });
      default:
        return graphError({ message: 'Invalid verification code format.', code: 100 });
    }
  }
  const record = ctx.tokens.issue({
    kind: 'access',
    clientId: redeemed.code.clientId,
    subject: redeemed.code.subject,
    scopes: redeemed.code.scopes,
    ttlSeconds: ctx.config.shortLivedTtlSeconds,
    label: 'short_lived',
  });
  return tokenResponse(ctx, record.token, ctx.config.shortLivedTtlSeconds);
}

function debugToken(ctx: MetaContext, req: SandboxRequest): SandboxResponse {
  const auth = authenticate(ctx, req, { allowApp: true });
  if (!auth.ok) return auth.res;
  const input = str(params(req), 'input_token');
  if (!input) return invalidParam('The parameter input_token is required');
  const check = ctx.tokens.validate(input);
  const record = check.ok ? check.record : check.record;
  if (!record) {
    return json(200, {
      data: {
        error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' },
        is_valid: false,
        scopes: [],
      },
    });
  }
  const seconds = (ms: number | null): number => (ms === null ? 0 : Math.floor(ms / 1000));
  const accounts = ctx.world.accounts.map((a) => a.accountId);
  const data: Record<string, unknown> = {
    app_id: ctx.config.appId,
    type: 'USER',
    application: ctx.config.appName,
    data_access_expires_at: seconds(record.issuedAt + 90 * 86_400_000),
    expires_at: seconds(record.expiresAt),
    is_valid: check.ok,
    ...(record.label === 'long_lived' ? { issued_at: seconds(record.issuedAt) } : {}),
    scopes: record.scopes,
    granular_scopes: record.scopes.map((scope) =>
      scope.startsWith('ads_') ? { scope, target_ids: accounts } : { scope },
    ),
    user_id: record.subject,
  };
  if (!check.ok) {
    const err = (
      tokenError(ctx, check.problem, record).body as {
        error: { code: number; message: string; error_subcode?: number };
      }
    ).error;
    data['error'] = {
      code: err.code,
      message: err.message,
      ...(err.error_subcode ? { subcode: err.error_subcode } : {}),
    };
  }
  return json(200, { data });
}

function revoke(ctx: MetaContext, req: SandboxRequest, permission: string | undefined): SandboxResponse {
  const auth = authenticate(ctx, req, { allowApp: true });
  if (!auth.ok) return auth.res;
  const node = req.params['node'];
  if (!isUser(ctx, node) || (node === 'me' && auth.caller.kind === 'app'))
    return unsupportedRequest('DELETE', req.params['node'] ?? '');
  const subject = ctx.config.user.id;
  if (permission === undefined) {
    ctx.tokens.revokeSubject(subject, ctx.config.appId, 'app_not_installed');
    return json(200, true);
  }
  for (const t of ctx.tokens.all()) {
    const live = ctx.tokens.get(t.token);
    if (live && live.subject === subject) live.scopes = live.scopes.filter((s) => s !== permission);
  }
  return json(200, true);
}
