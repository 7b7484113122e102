/**
 * Webflow simulator: the paths of webflow.com (`/oauth/authorize`, `/oauth/revoke_authorization`)
 * and api.webflow.com (`/oauth/access_token`, `/v2/…`) on one loopback origin — the two hosts'
 * paths do not collide. OAuth codes are single-use for 15 minutes, access tokens never expire
 * (no refresh token) until revoked; per-token rate limiting with X-RateLimit-* headers; CMS
 * collections/items with staged and live layers (./sandbox/cms.ts); webhook registration and
 * signed item-event deliveries (./sandbox/webhooks.ts).
 */
import { isRedirectUri, readDecision, withParams } from '../../sandbox/kit/consent.ts';
import { askConsent } from '../../sandbox/kit/oauth2.ts';
import { sandboxApp } from '../../sandbox/kit/app.ts';
import { sandboxKit } from '../../sandbox/kit/base.ts';
import type { WebhookRetryOptions } from '../../sandbox/kit/options.ts';
import { namedEmitRoute, objectField, webhookStateRoute } from '../../sandbox/kit/webhook-control.ts';
import type { ActiveFault } from '../../sandbox/kit/faults.ts';
import { randomBytes } from 'node:crypto';
import { header, html, json, redirect, type SandboxRequest, type SandboxResponse } from '../../sandbox/kit/server.ts';
import type { TokenRecord } from '../../sandbox/kit/tokens.ts';
import type { RemoteControl, RunningSandbox, Sandbox, SandboxOptions } from '../../sandbox/kit/types.ts';
import { WfAssets } from './sandbox/assets.ts';
import { applyPatch, cmsRoutes, hexId, seedState, wfError, type WfState } from './sandbox/cms.ts';
import { TRIGGER_TYPES, WEBFLOW_RETRY_DELAYS_MS, WebflowWebhooks, webhookRoutes } from './sandbox/webhooks.ts';
import { text } from '../../sandbox/kit/text.ts';
import { mustExist } from '../../sandbox/kit/remote.ts';

export interface WebflowSandboxOptions extends SandboxOptions, WebhookRetryOptions {
  /** Requests per minute per token: 60 (Starter/Basic) or 120 (CMS/Business). Also settable while running. */
  requestsPerMinute?: number;
}

export interface WebflowRemote extends RemoteControl {
  /** A designer edits the staged item (fieldData keys, or isDraft/isArchived); `lastUpdated` moves. */
  edit(id: string, patch: Record<string, unknown>): void;
  delete(id: string): void;
  /** Publishes the staged version of an item. */
  publish(id: string): void;
  /** Takes the item off the live site (staged copy stays). */
  unpublish(id: string): void;
  /** A designer adds a staged item to a collection; returns its id. */
  create(collectionId: string, fieldData: Record<string, unknown>): string;
}

export interface WebflowRunningSandbox extends RunningSandbox {
  clientId: string;
  clientSecret: string;
  siteId: string;
  collectionIds: string[];
  /** `${url}/v2`. */
  apiUrl: string;
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  remote: WebflowRemote;
  /** A site token (Site settings → API access) with the given scopes. */
  createSiteToken(scopes?: string[]): string;
  state(): WfState;
  /** Per-token limit from now on (also `POST /__sandbox/rate-limit {requestsPerMinute}`). */
  setRateLimit(o: { requestsPerMinute: number }): void;
  /** Items of a collection and the slugs more than one item has (`GET /__sandbox/content/stats?collectionId=`). */
  contentStats(collectionId: string): { total: number; duplicates: Record<string, number> };
  /** Assets whose bytes were uploaded. */
  assetCount(): number;
  /** Webhook registrations (also through the API), `emit`, `idle()`, `deliveries()`. */
  webhooks: WebflowWebhooks;
}

const SCOPES = [
  'authorized_user:read',
  'assets:read',
  'assets:write',
  'comments:read',
  'comments:write',
  'cms:read',
  'cms:write',
  'custom_code:read',
  'custom_code:write',
  'ecommerce:read',
  'ecommerce:write',
  'forms:read',
  'forms:write',
  'pages:read',
  'pages:write',
  'sites:read',
  'sites:write',
  'users:read',
  'users:write',
  'site_activity:read',
  'workspace:read',
  'workspace:write',
  'site_config:read',
  'site_config:write',
];
const USER = {
  id: '5f0c8c9e1c9d440000e8d8c3',
  email: 'designer@example.test',
  firstName: 'Sandbox',
  lastName: 'Designer',
};

async function start(opts: WebflowSandboxOptions = {}): Promise<WebflowRunningSandbox> {
  const kit = sandboxKit(opts, { size: 60, generate: () => randomBytes(32).toString('hex') });
  const { now, seed, size, tokens, routes, control } = kit;
  const app = sandboxApp(opts, {
    clientId: hexId(String(seed), 'client').padEnd(64, '0'),
    clientSecret: 'sandbox-webflow-client-secret',
  });
  const { clientId, clientSecret } = app;
  let rpm = opts.requestsPerMinute ?? 60;
  let state = seedState(seed, size, now());
  const windows = new Map<string, { start: number; used: number }>();

  const bearer = (req: SandboxRequest) => /^Bearer\s+(.+)$/i.exec(header(req, 'authorization')?.trim() ?? '')?.[1];
  const validate = (req: SandboxRequest): { ok: true; record: TokenRecord } | { ok: false; res: SandboxResponse } => {
    const check = tokens.validate(bearer(req));
    if (!check.ok) return { ok: false, res: wfError(401, 'not_authorized', 'Request not authorized') };
    return { ok: true, record: check.record };
  };
  const guard = (req: SandboxRequest, scope: string): SandboxResponse | undefined => {
    const v = validate(req);
    if (!v.ok) return v.res;
    const s = v.record.scopes;
    const [area] = scope.split(':');
    if (s.includes(scope) || (scope.endsWith(':read') && s.includes(`${area}:write`))) return undefined;
    return wfError(403, 'missing_scopes', `OAuthForbidden: You are missing the following scopes - ${scope}`);
  };

  routes.add('GET', '/oauth/authorize', (req) => {
    const q = req.query;
    if (q['client_id'] !== clientId) return html(400, '<h1>Invalid client</h1><p>The client_id is not valid.</p>');
    if (q['response_type'] !== 'code') return html(400, '<h1>Invalid request</h1><p>response_type must be code.</p>');
    if (q['redirect_uri'] !== undefined && !isRedirectUri(q['redirect_uri']))
      return html(400, '<h1>Invalid request</h1><p>Invalid redirect_uri.</p>');
    const scopes = (q['scope'] ?? '').split(/[\s+]+/).filter(Boolean);
    const bad = scopes.filter((s) => !SCOPES.includes(s));
    if (bad.length) return html(400, `<h1>Invalid scope</h1><p>${bad.join(', ')}</p>`);
    // Without redirect_uri Webflow uses the app's registered one; the sandbox needs it to redirect.
    const carry = {
      client_id: clientId,
      redirect_uri: q['redirect_uri'] ?? '',
      redirect_given: q['redirect_uri'] === undefined ? '0' : '1',
      state: q['state'] ?? '',
      scope: scopes.join(' '),
    };
    if (!carry.redirect_uri)
      return html(400, '<h1>Invalid request</h1><p>redirect_uri is required by the sandbox.</p>');
    const screen = { platform: 'Webflow', action: '/oauth/authorize/decision', userName: USER.email };
    return askConsent(app, screen, carry, scopes, approve);
  });
  routes.add('POST', '/oauth/authorize/decision', (req) => {
    const b = req.body;
    const carry = {
      client_id: text(b['client_id']),
      redirect_uri: text(b['redirect_uri']),
      redirect_given: text(b['redirect_given'], '1'),
      state: text(b['state']),
      scope: text(b['scope']),
    };
    if (carry.client_id !== clientId || !isRedirectUri(carry.redirect_uri))
      return html(400, '<h1>Invalid request</h1>');
    if (readDecision(b) === 'allow') return approve(carry);
    return redirect(
      withParams(carry.redirect_uri, {
        error: 'access_denied',
        error_description: 'The user denied the authorization request.',
        state: carry.state || undefined,
      }),
    );
  });
  function approve(carry: {
    redirect_uri: string;
    redirect_given: string;
    state: string;
    scope: string;
  }): SandboxResponse {
    const code = tokens.issueCode({
      clientId,
      redirectUri: carry.redirect_uri,
      subject: USER.id,
      scopes: carry.scope.split(' ').filter(Boolean),
      ttlSeconds: 900,
      extra: { redirect_given: carry.redirect_given },
    });
    return redirect(withParams(carry.redirect_uri, { code: code.code, state: carry.state || undefined }));
  }
  const oauthErr = (status: number, error: string, description: string) =>
    json(status, { error, error_description: description });
  routes.add('POST', '/oauth/access_token', (req) => {
    const p = { ...req.query, ...req.body } as Record<string, unknown>;
    if (p['client_id'] !== clientId || p['client_secret'] !== clientSecret)
      return oauthErr(401, 'invalid_client', 'Client authentication failed.');
    if (p['grant_type'] !== undefined && p['grant_type'] !== 'authorization_code')
      return oauthErr(400, 'unsupported_grant_type', 'Only authorization_code is supported.');
    const redeemed = tokens.redeemCode(
      text(p['code']),
      clientId,
      typeof p['redirect_uri'] === 'string' ? p['redirect_uri'] : undefined,
    );
    if (!redeemed.ok)
      return oauthErr(400, 'invalid_grant', 'The authorization code is invalid, expired or already used.');
    // A redirect_uri sent to authorize must be repeated here.
    if (redeemed.code.extra['redirect_given'] === '1' && typeof p['redirect_uri'] !== 'string')
      return oauthErr(400, 'invalid_grant', 'redirect_uri does not match the authorization request.');
    const t = tokens.issue({
      kind: 'access',
      clientId,
      subject: redeemed.code.subject,
      scopes: redeemed.code.scopes,
      ttlSeconds: null,
      label: 'oauth',
    });
    return json(200, { access_token: t.token, token_type: 'bearer', scope: redeemed.code.scopes.join(' ') });
  });
  routes.add('POST', '/oauth/revoke_authorization', (req) => {
    const b = req.body;
    if (
      typeof b['client_id'] !== 'string' ||
      typeof b['client_secret'] !== 'string' ||
      typeof b['access_token'] !== 'string'
    )
      return oauthErr(400, 'invalid_request', 'client_id, client_secret and access_token are required.');
    if (b['client_id'] !== clientId || b['client_secret'] !== clientSecret)
      return oauthErr(401, 'invalid_client', 'Client authentication failed.');
    const record = tokens.get(b['access_token']);
    if (!record || record.clientId !== clientId || !tokens.revoke(b['access_token'], 'revoked'))
      return oauthErr(400, 'invalid_token', 'The access token is unknown or already revoked.');
    return json(200, { did_revoke: true });
  });
  routes.add('GET', '/v2/token/authorized_by', (req) => guard(req, 'authorized_user:read') ?? json(200, USER));
  routes.add('GET', '/v2/token/introspect', (req) => {
    const v = validate(req);
    if (!v.ok) return v.res;
    const r = v.record;
    return json(200, {
      authorization: {
        id: hexId(r.grantId),
        createdOn: new Date(r.issuedAt).toISOString(),
        lastUsed: new Date(now()).toISOString(),
        grantType: r.label === 'site' ? 'site_token' : 'authorization_code',
        rateLimit: rpm,
        scope: r.scopes.join(','),
        authorizedTo: { siteIds: [state.siteId], workspaceIds: [state.workspaceId], userIds: [USER.id] },
      },
      ...(r.label === 'site'
        ? {}
        : {
            application: {
              id: hexId('app', clientId),
              description: 'Plexus integration hub',
              homepage: 'https://plexus.example',
              displayName: app.appName,
            },
          }),
    });
  });
  const webhooks = new WebflowWebhooks({
    clientSecret,
    retryDelaysMs: opts.webhookRetryDelaysMs ?? WEBFLOW_RETRY_DELAYS_MS,
    now,
  });
  let origin = '';
  const assets = new WfAssets(
    () => origin,
    () => state.siteId,
    now,
  );
  cmsRoutes(
    routes,
    () => state,
    now,
    guard,
    (event, item) => webhooks.emitItem(state, event, item),
    (v) => assets.find(v),
  );
  assets.routes(routes, guard);
  webhookRoutes(
    routes,
    () => state,
    webhooks,
    guard,
    (req) => {
      const v = validate(req);
      return v.ok ? v.record : undefined;
    },
  );

  const mustGet = (id: string) => mustExist(state.items.get(id), `Webflow item with id ${id}`);
  const remote: WebflowRemote = {
    edit(id, patch) {
      const i = mustGet(id);
      const { isDraft, isArchived, ...fieldData } = patch;
      applyPatch(
        i,
        {
          fieldData,
          ...(isDraft === undefined ? {} : { isDraft }),
          ...(isArchived === undefined ? {} : { isArchived }),
        },
        now(),
      );
      webhooks.emitItem(state, 'collection_item_changed', i);
    },
    delete(id) {
      const i = mustGet(id);
      state.items.delete(id);
      webhooks.emitItem(state, 'collection_item_deleted', i);
    },
    publish(id) {
      const i = mustGet(id);
      i.live = { ...i.fieldData };
      i.isDraft = false;
      i.lastPublished = now();
      webhooks.emitItem(state, 'collection_item_published', i);
    },
    unpublish(id) {
      const i = mustGet(id);
      i.live = null;
      i.isDraft = true;
      webhooks.emitItem(state, 'collection_item_unpublished', i);
    },
    create(collectionId, fieldData) {
      if (!state.collections.some((c) => c.id === collectionId))
        throw new Error(`no Webflow collection with id ${collectionId}`);
      const t = now();
      const name = typeof fieldData['name'] === 'string' ? fieldData['name'] : 'Untitled';
      const slug =
        typeof fieldData['slug'] === 'string'
          ? fieldData['slug']
          : `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${state.items.size}`;
      const item = {
        id: hexId('remote', collectionId, t, state.items.size),
        collectionId,
        cmsLocaleId: state.localeId,
        createdOn: t,
        lastUpdated: t,
        lastPublished: null,
        isArchived: false,
        isDraft: true,
        fieldData: { ...fieldData, name, slug },
        live: null,
      };
      state.items.set(item.id, item);
      webhooks.emitItem(state, 'collection_item_created', item);
      return item.id;
    },
  };
  const createSiteToken = (scopes = ['sites:read', 'cms:read', 'cms:write']) =>
    tokens.issue({ kind: 'access', clientId: 'site-token', subject: USER.id, scopes, ttlSeconds: null, label: 'site' })
      .token;
  webhookStateRoute(control, webhooks, () => ({ webhooks: webhooks.list() }));
  const triggers = { field: 'triggerType', names: TRIGGER_TYPES, unknown: 'unknown_trigger', listKey: 'triggers' };
  namedEmitRoute(control, triggers, (trigger, body) =>
    json(202, { deliveries: webhooks.emit(state.siteId, trigger, objectField(body['payload'])) }),
  );
  control.add('POST', '/__sandbox/tokens', (req) =>
    json(201, {
      access_token: createSiteToken(Array.isArray(req.body['scopes']) ? req.body['scopes'].map(String) : undefined),
    }),
  );
  const setRateLimit = (o: { requestsPerMinute: number }) => {
    rpm = o.requestsPerMinute;
    windows.clear();
  };
  control.add('POST', '/__sandbox/rate-limit', (req) => {
    const n = Number(req.body['requestsPerMinute']);
    if (!(n >= 1)) return json(400, { error: 'requestsPerMinute >= 1 is required' });
    setRateLimit({ requestsPerMinute: n });
    return json(200, { requestsPerMinute: rpm });
  });
  const contentStats = (collectionId: string) => {
    const counts = new Map<string, number>();
    let total = 0;
    for (const i of state.items.values()) {
      if (i.collectionId !== collectionId) continue;
      total++;
      const slug = String(i.fieldData['slug']);
      counts.set(slug, (counts.get(slug) ?? 0) + 1);
    }
    return { total, duplicates: Object.fromEntries([...counts].filter(([, n]) => n > 1)) };
  };
  control.add('GET', '/__sandbox/content/stats', (req) =>
    json(200, contentStats(String(req.query['collectionId'] ?? state.collections[0]?.id))),
  );

  /** Fixed one-minute windows per token, starting at its first request. */
  const meter = (req: SandboxRequest): { limit: number; remaining: number; retryAfter: number } | undefined => {
    const token = bearer(req);
    if (!req.path.startsWith('/v2/') || !token || !tokens.validate(token).ok) return undefined;
    const t = now();
    let w = windows.get(token);
    if (!w || t - w.start >= 60_000) windows.set(token, (w = { start: t, used: 0 }));
    return {
      limit: rpm,
      remaining: Math.max(0, rpm - w.used),
      retryAfter: Math.max(1, Math.ceil((w.start + 60_000 - t) / 1000)),
    };
  };
  const tooMany = (retryAfter: number, limit: number) =>
    wfError(429, 'too_many_requests', 'Too Many Requests', [], {
      'Retry-After': String(retryAfter),
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': '0',
    });

  const running = await kit.start({
    provider: 'webflow',
    remote,
    reseed: () => {
      state = seedState(seed, size, now());
    },
    parts: [assets, windows, webhooks],
    stats: () => ({ items: state.items.size, requestsPerMinute: rpm }),
    hooks: {
      before(req) {
        const m = meter(req);
        if (!m) return undefined;
        if (m.remaining === 0) return tooMany(m.retryAfter, m.limit);
        windows.get(bearer(req) ?? '')!.used++;
        return undefined;
      },
      decorate(req, res) {
        const m = meter(req);
        if (!m || res.status === 429) return res;
        return {
          ...res,
          headers: {
            'X-RateLimit-Limit': String(m.limit),
            'X-RateLimit-Remaining': String(m.remaining),
            ...res.headers,
          },
        };
      },
      faultResponse: (fault: ActiveFault) =>
        fault.kind === 'rate_limit'
          ? { ...tooMany(fault.retryAfterSeconds ?? 60, rpm), ...(fault.status ? { status: fault.status } : {}) }
          : wfError(
              fault.status ?? 500,
              fault.status === 503 ? 'service_unavailable' : 'internal_error',
              fault.status === 503 ? 'Service Unavailable' : 'Internal Server Error',
            ),
      notFound: () => wfError(404, 'route_not_found', 'Requested route not found'),
    },
  });

  origin = running.url;
  return {
    ...running,
    clientId,
    clientSecret,
    get siteId() {
      return state.siteId;
    },
    get collectionIds() {
      return state.collections.map((c) => c.id);
    },
    apiUrl: `${running.url}/v2`,
    authorizeUrl: `${running.url}/oauth/authorize`,
    tokenUrl: `${running.url}/oauth/access_token`,
    revokeUrl: `${running.url}/oauth/revoke_authorization`,
    createSiteToken,
    state: () => state,
    setRateLimit,
    contentStats,
    assetCount: () => assets.count(),
    webhooks,
  };
}

export const sandbox: Sandbox<WebflowRunningSandbox> = { provider: 'webflow', start };
