/**
 * Wix simulator on the www.wixapis.com paths (plus the www.wix.com installer page, whose paths do
 * not collide): API keys with `wix-site-id` (what the Plexus provider uses), app OAuth
 * (`/oauth2/token` client credentials, 4 h tokens) and the legacy install flow (`/oauth/access`,
 * 5-minute access tokens with refresh tokens). Raw tokens in `Authorization`, no `Bearer`.
 * Content in ./sandbox/content.ts; webhooks as RS256 JWT bodies in ./sandbox/webhooks.ts.
 */
import { randomBytes } from 'node:crypto';
import { isRedirectUri, readDecision, withParams } from '../../sandbox/kit/consent.ts';
import { askConsent } from '../../sandbox/kit/oauth2.ts';
import { sandboxApp } from '../../sandbox/kit/app.ts';
import { sandboxKit } from '../../sandbox/kit/base.ts';
import type { WebhookRetryOptions } from '../../sandbox/kit/options.ts';
import {
  deliveryReply,
  isWebhookUrl,
  namedEmitRoute,
  objectField,
  webhookStateRoute,
} from '../../sandbox/kit/webhook-control.ts';
import type { ActiveFault } from '../../sandbox/kit/faults.ts';
import { header, html, json, redirect, type SandboxRequest, type SandboxResponse } from '../../sandbox/kit/server.ts';
import type { RemoteControl, RunningSandbox, Sandbox, SandboxOptions } from '../../sandbox/kit/types.ts';
import { collectionRoutes, seedCollections } from './sandbox/collections.ts';
import {
  COLLECTION,
  contentRoutes,
  editDraft,
  postOf,
  publishWithEvent,
  seedData,
  wixId,
  type WixData,
} from './sandbox/content.ts';
import { WixMedia } from './sandbox/media.ts';
import {
  WIX_EVENT_TYPES,
  WIX_RETRY_DELAYS_MS,
  WixWebhooks,
  type WixEventType,
  type WixIdentity,
} from './sandbox/webhooks.ts';
import { wixError } from './sandbox/query.ts';
import { text } from '../../sandbox/kit/text.ts';

export interface WixSandboxOptions extends SandboxOptions, WebhookRetryOptions {
  /** Account API key; derived from the seed when absent. */
  apiKey?: string;
  siteId?: string;
  accountId?: string;
  /** The app instance installed on the site (client-credentials `instance_id`). */
  instanceId?: string;
  /** `/oauth2/token` lifetime, 4 h. */
  accessTtlSeconds?: number;
  /** Legacy `/oauth/access` access token lifetime, 5 min. */
  legacyAccessTtlSeconds?: number;
  /** Legacy refresh tokens: single-use when true (default false: reusable while installed). */
  rotateRefreshTokens?: boolean;
  /** Per app instance or key (older docs: 200). */
  requestsPerMinute?: number;
  /** Webhook URL configured on the app; every event type goes there unless `webhookEventTypes` narrows it. */
  webhookUrl?: string;
  webhookEventTypes?: WixEventType[];
  /** `exp - iat` of each webhook JWT (default 3600; Wix's own value is undocumented). */
  webhookTokenLifetimeSeconds?: number;
}

export interface WixRemote extends RemoteControl {
  /** A site editor changes a draft post (title, excerpt) or a data item (any field); `editedDate` / `_updatedDate` move. */
  edit(id: string, patch: Record<string, unknown>): void;
  /** Draft posts go to the trash bin; data items are removed. */
  delete(id: string): void;
  /** A site editor publishes a draft post (`post_created` the first time, then `post_updated`). */
  publish(id: string): void;
  /** A site editor adds a data item to the seeded collection; returns its id. */
  createItem(fields: Record<string, unknown>): string;
}

export interface WixRunningSandbox extends RunningSandbox {
  apiKey: string;
  siteId: string;
  accountId: string;
  instanceId: string;
  appId: string;
  appSecret: string;
  memberId: string;
  dataCollectionId: string;
  tokenUrl: string;
  legacyTokenUrl: string;
  installUrl: string;
  remote: WixRemote;
  /** Headers for an API-key call: raw key + `wix-site-id`. */
  apiKeyHeaders(): Record<string, string>;
  data(): WixData;
  /** Items of a data collection and the slugs more than one item has (`GET /__sandbox/content/stats?collectionId=`). */
  contentStats(collectionId?: string): { total: number; duplicates: Record<string, number> };
  /** Files uploaded to the Media Manager. */
  mediaCount(): number;
  /** PEM public key of the app's webhook key pair (what the dashboard shows). */
  webhookPublicKey: string;
  /** `subscribe(url, eventTypes?)`, `emit`, `idle()`, `deliveries()`. */
  webhooks: WixWebhooks;
}

async function start(opts: WixSandboxOptions = {}): Promise<WixRunningSandbox> {
  const kit = sandboxKit(opts, {
    size: 60,
    generate: (kind) =>
      kind === 'code'
        ? randomBytes(24).toString('hex')
        : `OauthNG.JWS.${randomBytes(kind === 'refresh' ? 48 : 96).toString('base64url')}`,
  });
  const { now, seed, size, tokens, routes, control } = kit;
  const s = String(seed);
  const app = sandboxApp(opts, { clientId: wixId(s, 'app'), clientSecret: wixId(s, 'secret') });
  const { clientId: appId, clientSecret: appSecret } = app;
  const siteId = opts.siteId ?? wixId(s, 'site');
  const accountId = opts.accountId ?? wixId(s, 'account');
  const instanceId = opts.instanceId ?? wixId(s, 'instance');
  const memberId = wixId(s, 'member');
  const apiKey =
    opts.apiKey ??
    `IST.eyJraWQiOiJQb3pIX2FDMiIsImFsZyI6IlJTMjU2In0.${Buffer.from(wixId(s, 'key')).toString('base64url')}.${Buffer.from(wixId(s, 'sig')).toString('base64url')}`;
  const ttl = opts.accessTtlSeconds ?? 14_400;
  const legacyTtl = opts.legacyAccessTtlSeconds ?? 300;
  const rpm = opts.requestsPerMinute ?? 200;
  let data = seedData(seed, size, now(), memberId);
  const windows = new Map<string, { start: number; used: number }>();

  const s400 = (m: string, code = 'INVALID_ARGUMENT') => wixError(400, m, code);
  routes.add('POST', '/oauth2/token', (req) => {
    const b = req.body;
    if (b['grant_type'] !== 'client_credentials') return s400('grant_type must be client_credentials');
    if (b['client_id'] !== appId || b['client_secret'] !== appSecret)
      return wixError(401, 'Invalid client credentials', 'INVALID_CLIENT');
    if (b['instance_id'] !== instanceId) return wixError(404, 'App instance not found', 'INSTANCE_NOT_FOUND');
    const t = tokens.issue({
      kind: 'access',
      clientId: appId,
      subject: instanceId,
      scopes: ['BLOG.MANAGE', 'WIX_DATA.MANAGE'],
      ttlSeconds: ttl,
      label: 'oauth2',
    });
    return json(200, { access_token: t.token, token_type: 'Bearer', expires_in: ttl });
  });
  // App Instance API: what an app-instance token belongs to (instance and site).
  routes.add('GET', '/apps/v1/instance', (req) => {
    const token = (header(req, 'authorization') ?? '').replace(/^Bearer\s+/i, '').trim();
    const check = tokens.validate(token);
    if (!token || !check.ok || !check.record.subject)
      return wixError(401, 'UNAUTHENTICATED: an app instance token is required');
    return json(200, {
      instance: { instanceId: check.record.subject, appName: 'Plexus', isFree: true },
      site: { siteId, siteDisplayName: 'Sandbox site', url: `${origin}/site` },
    });
  });
  routes.add('POST', '/oauth/access', (req) => {
    const b = req.body;
    if (b['client_id'] !== appId || b['client_secret'] !== appSecret)
      return wixError(401, 'Invalid client credentials', 'INVALID_CLIENT');
    const issue = (grantId?: string) =>
      tokens.issue({
        kind: 'access',
        clientId: appId,
        subject: instanceId,
        scopes: ['BLOG.MANAGE', 'WIX_DATA.MANAGE'],
        ttlSeconds: legacyTtl,
        label: 'legacy',
        ...(grantId ? { grantId } : {}),
      });
    if (b['grant_type'] === 'authorization_code') {
      const redeemed = tokens.redeemCode(text(b['code']), appId, undefined);
      if (!redeemed.ok) return s400('Invalid authorization code', 'INVALID_GRANT');
      const a = issue();
      const r = tokens.issue({
        kind: 'refresh',
        clientId: appId,
        subject: instanceId,
        scopes: a.scopes,
        ttlSeconds: null,
        grantId: a.grantId,
        label: 'legacy',
      });
      return json(200, { access_token: a.token, refresh_token: r.token });
    }
    if (b['grant_type'] === 'refresh_token') {
      const old = text(b['refresh_token']);
      const check = tokens.validate(old, 'refresh');
      if (!check.ok) return s400('Invalid refresh token', 'INVALID_GRANT');
      if (!opts.rotateRefreshTokens) {
        tokens.recordRefresh(check.record.grantId);
        return json(200, { access_token: issue(check.record.grantId).token, refresh_token: old });
      }
      const rotated = tokens.rotateRefresh(old, null);
      if (!rotated.ok) return s400('Invalid refresh token', 'INVALID_GRANT');
      return json(200, { access_token: issue(check.record.grantId).token, refresh_token: rotated.record.token });
    }
    return s400('grant_type must be authorization_code or refresh_token');
  });
  // Legacy installer on www.wix.com: consent, then redirect to the app with code, state and instanceId.
  routes.add('GET', '/installer/install', (req) => {
    const q = req.query;
    if (q['appId'] !== appId) return html(400, '<h1>App not found</h1>');
    const redirectUrl = q['redirectUrl'];
    if (!isRedirectUri(redirectUrl)) return html(400, '<h1>Invalid redirectUrl</h1>');
    const carry = { appId, redirectUrl, state: q['state'] ?? '' };
    const screen = { platform: 'Wix', action: '/installer/install/decision', userName: 'Site owner' };
    return askConsent(app, screen, carry, ['Manage Blog', 'Manage Data Collections'], installed);
  });
  routes.add('POST', '/installer/install/decision', (req) => {
    const carry = {
      appId: text(req.body['appId']),
      redirectUrl: text(req.body['redirectUrl']),
      state: text(req.body['state']),
    };
    if (carry.appId !== appId || !isRedirectUri(carry.redirectUrl)) return html(400, '<h1>Invalid request</h1>');
    if (readDecision(req.body) === 'allow') return installed(carry);
    // Wix documents no decline redirect; the app hears error=access_denied.
    return redirect(withParams(carry.redirectUrl, { error: 'access_denied', state: carry.state || undefined }));
  });
  function installed(carry: { redirectUrl: string; state: string }): SandboxResponse {
    const code = tokens.issueCode({
      clientId: appId,
      redirectUri: carry.redirectUrl,
      subject: instanceId,
      scopes: [],
      ttlSeconds: 600,
    });
    return redirect(withParams(carry.redirectUrl, { code: code.code, state: carry.state, instanceId }));
  }
  routes.add('GET', '/installer/close-window', () =>
    html(200, '<p>Installation complete. You can close this window.</p>'),
  );
  const webhooks = new WixWebhooks({
    instanceId,
    retryDelaysMs: opts.webhookRetryDelaysMs ?? WIX_RETRY_DELAYS_MS,
    now,
    tokenLifetimeSeconds: opts.webhookTokenLifetimeSeconds ?? 3600,
  });
  if (opts.webhookUrl) webhooks.subscribe(opts.webhookUrl, opts.webhookEventTypes ?? WIX_EVENT_TYPES);
  const asApp: WixIdentity = { identityType: 'APP', appId };
  const asEditor: WixIdentity = { identityType: 'WIX_USER', wixUserId: memberId };
  const collections = seedCollections(COLLECTION);
  contentRoutes(
    routes,
    () => data,
    now,
    memberId,
    (eventType, entityId, entity) => webhooks.emit(eventType, entityId, entity, asApp),
    (id) => collections.find((c) => c.id === id),
  );
  collectionRoutes(routes, () => collections);
  let origin = '';
  const media = new WixMedia(() => origin, siteId, now);
  media.routes(routes);

  /** Who is calling a site API; the key needs exactly one of wix-site-id / wix-account-id. */
  const authorize = (req: SandboxRequest): { ok: true; key: string } | { ok: false; res: SandboxResponse } => {
    const raw = header(req, 'authorization')?.trim() ?? '';
    // The SDK sends the raw token; a `Bearer ` prefix is tolerated here (unconfirmed on the platform).
    const token = raw.replace(/^Bearer\s+/i, '');
    if (!token) return { ok: false, res: wixError(401, 'UNAUTHENTICATED: missing Authorization header') };
    if (token === apiKey) {
      const site = header(req, 'wix-site-id');
      const account = header(req, 'wix-account-id');
      if (site && account) return { ok: false, res: s400('Only one of wix-site-id or wix-account-id may be sent') };
      if (!site)
        return {
          ok: false,
          res: wixError(
            account ? 403 : 400,
            account ? 'PERMISSION_DENIED: this API needs a site context (wix-site-id)' : 'Missing wix-site-id header',
            account ? 'PERMISSION_DENIED' : 'INVALID_ARGUMENT',
          ),
        };
      if (site !== siteId)
        return {
          ok: false,
          res: wixError(403, 'PERMISSION_DENIED: the API key has no access to this site', 'PERMISSION_DENIED'),
        };
      return { ok: true, key: `key:${apiKey}` };
    }
    const check = tokens.validate(token);
    if (!check.ok)
      return {
        ok: false,
        res: wixError(
          401,
          check.problem === 'expired' ? 'UNAUTHENTICATED: token expired' : 'UNAUTHENTICATED: invalid token',
        ),
      };
    return { ok: true, key: `instance:${check.record.subject}` };
  };

  const mustFind = (
    id: string,
  ): { draft: true } | { draft: false; collectionId: string; coll: Map<string, Record<string, unknown>> } => {
    if (data.drafts.has(id)) return { draft: true };
    for (const [collectionId, c] of data.items) if (c.has(id)) return { draft: false, collectionId, coll: c };
    throw new Error(`no Wix draft post or data item with id ${id}`);
  };
  const itemEvent = (eventType: WixEventType, collectionId: string, item: Record<string, unknown>) =>
    webhooks.emit(
      eventType,
      String(item['_id']),
      { id: item['_id'], dataCollectionId: collectionId, data: item },
      asEditor,
    );
  const remote: WixRemote = {
    edit(id, patch) {
      const hit = mustFind(id);
      if (hit.draft) editDraft(data.drafts.get(id)!, patch, now());
      else {
        const item = { ...hit.coll.get(id), ...patch, _updatedDate: { $date: new Date(now()).toISOString() } };
        hit.coll.set(id, item);
        itemEvent('wix.data.v2.data_item_updated', hit.collectionId, item);
      }
    },
    delete(id) {
      const hit = mustFind(id);
      if (hit.draft) {
        const d = data.drafts.get(id)!;
        const wasLive = d.published !== null && d.status !== 'DELETED';
        d.status = 'DELETED';
        d.editedDate = now();
        if (wasLive) webhooks.emit('wix.blog.v3.post_deleted', id, postOf(d, []), asEditor);
      } else {
        const item = hit.coll.get(id)!;
        hit.coll.delete(id);
        itemEvent('wix.data.v2.data_item_deleted', hit.collectionId, item);
      }
    },
    publish(id) {
      const d = data.drafts.get(id);
      if (!d || d.status === 'DELETED') throw new Error(`no Wix draft post with id ${id}`);
      publishWithEvent(d, now(), (eventType, entityId, entity) => webhooks.emit(eventType, entityId, entity, asEditor));
    },
    createItem(fields) {
      const c = data.items.get(COLLECTION)!;
      const id = wixId('remote-item', now(), c.size);
      const t = { $date: new Date(now()).toISOString() };
      const item = { ...fields, _id: id, _createdDate: t, _updatedDate: t, _ownerId: memberId };
      c.set(id, item);
      itemEvent('wix.data.v2.data_item_created', COLLECTION, item);
      return id;
    },
  };
  webhookStateRoute(control, webhooks, () => ({
    publicKey: webhooks.publicKey,
    subscriptions: webhooks.subscriptions(),
  }));
  control.add('POST', '/__sandbox/webhooks', (req) => {
    const url = req.body['url'];
    const types = Array.isArray(req.body['eventTypes']) ? req.body['eventTypes'].map(String) : [...WIX_EVENT_TYPES];
    const unknown = types.filter((t) => !(WIX_EVENT_TYPES as readonly string[]).includes(t));
    if (!isWebhookUrl(url) || unknown.length)
      return json(400, { error: 'invalid_subscription', unknown, eventTypes: WIX_EVENT_TYPES });
    webhooks.subscribe(url, types as WixEventType[]);
    return json(200, { subscriptions: webhooks.subscriptions(), publicKey: webhooks.publicKey });
  });
  control.add('DELETE', '/__sandbox/webhooks', () => {
    webhooks.unsubscribe();
    return json(200, { subscriptions: [] });
  });
  const eventTypes = {
    field: 'eventType',
    names: WIX_EVENT_TYPES,
    unknown: 'unknown_event_type',
    listKey: 'eventTypes',
  };
  namedEmitRoute(control, eventTypes, (eventType, body) => {
    const entity = objectField(body['entity']);
    const entityId = text(body['entityId'] ?? entity['id'], randomBytes(8).toString('hex'));
    return deliveryReply(webhooks.emit(eventType, entityId, entity, asApp), 'not_subscribed');
  });
  const contentStats = (collectionId = COLLECTION) => {
    const counts = new Map<string, number>();
    const items = [...(data.items.get(collectionId)?.values() ?? [])];
    for (const d of items) counts.set(text(d['slug']), (counts.get(text(d['slug'])) ?? 0) + 1);
    return { total: items.length, duplicates: Object.fromEntries([...counts].filter(([slug, n]) => slug && n > 1)) };
  };
  control.add('GET', '/__sandbox/content/stats', (req) =>
    json(200, contentStats(req.query['collectionId'] ?? COLLECTION)),
  );
  const tooMany = (retryAfter: number) =>
    wixError(429, 'RESOURCE_EXHAUSTED: too many requests', undefined, { 'Retry-After': String(retryAfter) });

  const running = await kit.start({
    provider: 'wix',
    remote,
    reseed: () => {
      data = seedData(seed, size, now(), memberId);
    },
    parts: [media, windows, webhooks],
    stats: () => ({ drafts: data.drafts.size, items: data.items.get(COLLECTION)?.size ?? 0 }),
    hooks: {
      before(req) {
        if (
          !req.path.startsWith('/blog/') &&
          !req.path.startsWith('/wix-data/') &&
          !req.path.startsWith('/site-media/')
        )
          return undefined;
        const who = authorize(req);
        if (!who.ok) return who.res;
        const t = now();
        let w = windows.get(who.key);
        if (!w || t - w.start >= 60_000) windows.set(who.key, (w = { start: t, used: 0 }));
        if (w.used >= rpm) return tooMany(Math.max(1, Math.ceil((w.start + 60_000 - t) / 1000)));
        w.used++;
        return undefined;
      },
      faultResponse: (fault: ActiveFault) =>
        fault.kind === 'rate_limit'
          ? { ...tooMany(fault.retryAfterSeconds ?? 60), ...(fault.status ? { status: fault.status } : {}) }
          : wixError(fault.status ?? 500, fault.status === 503 ? 'UNAVAILABLE' : 'INTERNAL'),
      notFound: () => wixError(404, 'Not Found'),
    },
  });

  origin = running.url;
  return {
    ...running,
    apiKey,
    siteId,
    accountId,
    instanceId,
    appId,
    appSecret,
    memberId,
    dataCollectionId: COLLECTION,
    tokenUrl: `${running.url}/oauth2/token`,
    legacyTokenUrl: `${running.url}/oauth/access`,
    installUrl: `${running.url}/installer/install`,
    apiKeyHeaders: () => ({ authorization: apiKey, 'wix-site-id': siteId }),
    data: () => data,
    contentStats,
    mediaCount: () => media.count(),
    webhookPublicKey: webhooks.publicKey,
    webhooks,
  };
}

export const sandbox: Sandbox<WixRunningSandbox> = { provider: 'wix', start };
