/**
 * Shopify's authorization-code OAuth on the shop's admin host: `/admin/oauth/authorize` (install
 * consent, offline or per-user), the signed callback (`code, hmac, host, shop, state, timestamp`),
 * and `/admin/oauth/access_token` for code exchange (non-expiring or `expiring=1` offline tokens,
 * online tokens), refresh-token grants with rotation, client credentials and the migration of a
 * non-expiring token to an expiring one. Uninstall (`api_permissions/current.json`) revokes.
 */
import * as oauth2 from '../../../sandbox/kit/oauth2.ts';
import { accessDenied } from '../../../sandbox/kit/decline.ts';
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { TokenRecord } from '../../../sandbox/kit/tokens.ts';
import { hostParam, sanitizeShop, shopDomain, signQuery, type ShopifyContext } from './context.ts';

const DECISION_PATH = '/admin/oauth/authorize/decision';
const SCOPE = /^(unauthenticated_)?(read|write)_[a-z_]+$/;
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const OFFLINE_TYPE = 'urn:shopify:params:oauth:token-type:offline-access-token';

export const EXPIRING_LABEL = 'expiring_offline';

function errorPage(title: string, detail: string): SandboxResponse {
  return oauth2.errorPage(400, title, `Oauth error ${title}`, detail);
}

function oauthError(status: number, error: string, description: string): SandboxResponse {
  return json(status, { error, error_description: description });
}

export function oauthRoutes(r: Router, ctx: ShopifyContext): void {
  r.add('GET', '/admin/oauth/authorize', (req) => {
    const q = req.query;
    const shopParam = q['shop'];
    // The shop lives in the host name on the real platform; a `shop` parameter, when sent, must name this shop.
    if (shopParam !== undefined && sanitizeShop(shopParam) !== shopDomain(ctx.config)) {
      return errorPage('invalid_request', `The shop ${shopParam} is not a valid shop domain for this store.`);
    }
    if (q['client_id'] !== ctx.config.clientId)
      return errorPage('invalid_request', 'The client_id provided is invalid.');
    const redirectUri = q['redirect_uri'];
    if (!oauth2.registeredRedirect(redirectUri, ctx.config.redirectUris)) {
      return errorPage('invalid_request', 'The redirect_uri is not whitelisted');
    }
    const scopes = (q['scope'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = scopes.filter((s) => !SCOPE.test(s));
    if (bad.length) return errorPage('invalid_scope', `Scope undefined: ${bad.join(', ')}`);
    const grantOptions = req.url.searchParams.getAll('grant_options[]');
    const carry = {
      client_id: ctx.config.clientId,
      redirect_uri: redirectUri,
      state: q['state'] ?? '',
      scope: scopes.join(','),
      access_mode: grantOptions.includes('per-user') ? 'per-user' : 'offline',
    };
    const screen = { platform: 'Shopify', action: DECISION_PATH, userName: `${ctx.config.shop} (store owner)` };
    return oauth2.askConsent(ctx.config, screen, carry, scopes, (c) => approve(ctx, c));
  });
  // Shopify documents no decline redirect; an RFC 6749 access_denied keeps the connector unblocked.
  const declined = accessDenied('The merchant declined the installation.');
  oauth2.decisionRoute(r, DECISION_PATH, ctx, checkDecision, approve, declined);

  r.add('POST', '/admin/oauth/access_token', (req) => accessToken(ctx, req));
}

/** The install form, posted back: it must still name this app and an absolute redirect URI. */
function checkDecision(ctx: ShopifyContext, carry: Record<string, string>): SandboxResponse | undefined {
  if (oauth2.namesApp(carry, ctx.config.clientId)) return undefined;
  return errorPage('invalid_request', 'The install request is incomplete.');
}

/** Redirect to the app with Shopify's signed callback query. */
function approve(ctx: ShopifyContext, carry: Record<string, string>): SandboxResponse {
  const scopes = (carry['scope'] ?? '').split(',').filter(Boolean);
  const extra = { access_mode: carry['access_mode'] ?? 'offline' };
  const code = oauth2.codeForCarry(ctx.tokens, carry, shopDomain(ctx.config), scopes, { extra });
  return oauth2.redirectWith(
    carry['redirect_uri'] ?? '',
    signedQuery(ctx, { code: code.code, state: carry['state'] ?? '' }),
  );
}

/** Callback / install-hit parameters with `hmac` over the rest, keyed with the app secret. */
export function signedQuery(ctx: ShopifyContext, extra: Record<string, string>): Record<string, string> {
  const q: Record<string, string> = {
    ...extra,
    host: hostParam(ctx.config),
    shop: shopDomain(ctx.config),
    timestamp: String(Math.floor(ctx.now() / 1000)),
  };
  return { ...q, hmac: signQuery(q, ctx.config.clientSecret) };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function isTrue(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 'true';
}

/** Only one expiring offline token pair is live per app and shop. */
function retireExpiring(ctx: ShopifyContext, keep: readonly TokenRecord[]): void {
  const kept = new Set(keep.map((r) => r.token));
  ctx.tokens.revokeWhere(
    (t) => t.label === EXPIRING_LABEL && t.clientId === ctx.config.clientId && !kept.has(t.token),
    'superseded',
  );
}

export function issueExpiring(ctx: ShopifyContext, scopes: readonly string[], grantId?: string): SandboxResponse {
  const base = { clientId: ctx.config.clientId, subject: shopDomain(ctx.config), scopes, label: EXPIRING_LABEL };
  const access = ctx.tokens.issue({
    ...base,
    kind: 'access',
    ttlSeconds: ctx.config.accessTtlSeconds,
    ...(grantId ? { grantId } : {}),
  });
  const refresh = ctx.tokens.issue({
    ...base,
    kind: 'refresh',
    ttlSeconds: ctx.config.refreshTtlSeconds,
    grantId: access.grantId,
  });
  retireExpiring(ctx, [access, refresh]);
  return json(200, {
    access_token: access.token,
    scope: scopes.join(','),
    expires_in: ctx.config.accessTtlSeconds,
    refresh_token: refresh.token,
    refresh_token_expires_in: ctx.config.refreshTtlSeconds,
  });
}

function accessToken(ctx: ShopifyContext, req: SandboxRequest): SandboxResponse {
  const p = { ...req.query, ...req.body } as Record<string, unknown>;
  if (str(p['client_id']) !== ctx.config.clientId || str(p['client_secret']) !== ctx.config.clientSecret) {
    return oauthError(
      400,
      'invalid_client',
      'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
    );
  }
  const grant = str(p['grant_type']);

  if (grant === 'refresh_token') {
    const old = str(p['refresh_token']) ?? '';
    const check = ctx.tokens.validate(old, 'refresh');
    if (!check.ok) {
      const why =
        check.problem === 'expired'
          ? 'has expired'
          : check.problem === 'rotated'
            ? 'has already been used'
            : check.problem === 'revoked'
              ? 'has been revoked'
              : 'was not found';
      return oauthError(400, 'invalid_grant', `The refresh token ${why}.`);
    }
    const rotate = ctx.config.rotateRefreshTokens;
    const refresh = oauth2.renewRefresh(ctx.tokens, check.record, rotate, ctx.config.refreshTtlSeconds);
    if (!refresh) return oauthError(400, 'invalid_grant', 'The refresh token was not found or was already used.');
    const access = oauth2.accessFrom(ctx.tokens, refresh, ctx.config.accessTtlSeconds, EXPIRING_LABEL);
    retireExpiring(ctx, [access, refresh]);
    return json(200, {
      access_token: access.token,
      scope: refresh.scopes.join(','),
      expires_in: ctx.config.accessTtlSeconds,
      refresh_token: refresh.token,
      refresh_token_expires_in: rotate ? ctx.config.refreshTtlSeconds : ctx.tokens.expiresIn(refresh),
    });
  }

  if (grant === 'client_credentials') {
    const scopes = ['read_content', 'write_content', 'read_products', 'write_products', 'write_files'];
    const t = ctx.tokens.issue({
      kind: 'access',
      clientId: ctx.config.clientId,
      subject: shopDomain(ctx.config),
      scopes,
      ttlSeconds: ctx.config.clientCredentialsTtlSeconds,
      label: 'client_credentials',
    });
    return json(200, {
      access_token: t.token,
      scope: scopes.join(','),
      expires_in: ctx.config.clientCredentialsTtlSeconds,
    });
  }

  if (grant === TOKEN_EXCHANGE) {
    // Migration of a non-expiring offline token to an expiring one.
    if (
      str(p['subject_token_type']) !== OFFLINE_TYPE ||
      str(p['requested_token_type']) !== OFFLINE_TYPE ||
      !isTrue(p['expiring'])
    ) {
      return oauthError(400, 'invalid_request', 'Unsupported token exchange request.');
    }
    const check = ctx.tokens.validate(str(p['subject_token']) ?? '');
    if (!check.ok || check.record.label !== 'offline')
      return oauthError(400, 'invalid_subject_token', 'The subject token is invalid.');
    ctx.tokens.revoke(check.record.token, 'migrated');
    return issueExpiring(ctx, check.record.scopes, check.record.grantId);
  }

  if (grant !== undefined && grant !== 'authorization_code')
    return oauthError(400, 'unsupported_grant_type', `The grant type ${grant} is not supported.`);
  const code = str(p['code']);
  if (!code) return oauthError(400, 'invalid_request', 'Missing required parameter: code.');
  const redeemed = ctx.tokens.redeemCode(code, ctx.config.clientId, undefined);
  if (!redeemed.ok)
    return oauthError(400, 'invalid_request', 'The authorization code was not found or was already used');
  const scopes = redeemed.code.scopes;
  if (redeemed.code.extra['access_mode'] === 'per-user') {
    const t = ctx.tokens.issue({
      kind: 'access',
      clientId: ctx.config.clientId,
      subject: shopDomain(ctx.config),
      scopes,
      ttlSeconds: ctx.config.onlineTtlSeconds,
      label: 'online',
    });
    return json(200, {
      access_token: t.token,
      scope: scopes.join(','),
      expires_in: ctx.config.onlineTtlSeconds,
      associated_user_scope: scopes.join(','),
      associated_user: {
        id: 902541635,
        first_name: 'Store',
        last_name: 'Owner',
        email: `owner@${ctx.config.shop}.example`,
        email_verified: true,
        account_owner: true,
        locale: 'en',
        collaborator: false,
      },
    });
  }
  if (isTrue(p['expiring'])) return issueExpiring(ctx, scopes);
  const t = ctx.tokens.issue({
    kind: 'access',
    clientId: ctx.config.clientId,
    subject: shopDomain(ctx.config),
    scopes,
    ttlSeconds: null,
    label: 'offline',
  });
  return json(200, { access_token: t.token, scope: scopes.join(',') });
}
