/**
 * Shopify Admin simulator for one shop: the shop's admin host paths (`/admin/oauth/*`,
 * `/admin/api/{version}/graphql.json`) on one loopback origin, OAuth with signed callbacks,
 * expiring offline tokens with rotating refresh tokens, the GraphQL Admin API (blogs, articles,
 * pages, products, staged uploads and files, webhook subscriptions, bulk operations) with the
 * calculated-query-cost bucket, seeded from seed + size; signed webhook deliveries for content
 * changes, bulk operations and uninstall. There is no REST Admin API.
 */
import { randomBytes } from 'node:crypto';
import { withParams } from '../../sandbox/kit/consent.ts';
import { sandboxKit } from '../../sandbox/kit/base.ts';
import type { WebhookRetryOptions } from '../../sandbox/kit/options.ts';
import { namedEmitRoute, objectField, webhookStateRoute } from '../../sandbox/kit/webhook-control.ts';
import type { ActiveFault } from '../../sandbox/kit/faults.ts';
import { json, type SandboxRequest, type SandboxResponse } from '../../sandbox/kit/server.ts';
import { sandboxApp } from '../../sandbox/kit/app.ts';
import type { RemoteControl, RunningSandbox, Sandbox, SandboxOptions } from '../../sandbox/kit/types.ts';
import {
  restErrors,
  sanitizeShop,
  shopDomain,
  verifyQueryHmac,
  type ShopifyConfig,
  type ShopifyContext,
} from './sandbox/context.ts';
import { CostBucket } from './sandbox/cost-bucket.ts';
import { ShopFiles } from './sandbox/files.ts';
import { BulkOperations } from './sandbox/graphql/bulk.ts';
import { CREATE_DEFAULTS } from './sandbox/graphql/content.ts';
import { graphqlRoutes, runDocument, type GraphqlDeps } from './sandbox/graphql/endpoint.ts';
import { ShopMedia } from './sandbox/graphql/media.ts';
import { issueExpiring, oauthRoutes, signedQuery } from './sandbox/oauth.ts';
import { render, shopObject } from './sandbox/payloads.ts';
import { handleize, ShopData, type Kind, type Resource } from './sandbox/store.ts';
import { SHOPIFY_RETRY_DELAYS_MS, SHOPIFY_TOPICS, ShopifyWebhooks, type ShopifyTopic } from './sandbox/webhooks.ts';
import { text } from '../../sandbox/kit/text.ts';
import { mustExist } from '../../sandbox/kit/remote.ts';

export interface ShopifySandboxOptions extends SandboxOptions, WebhookRetryOptions {
  /** Shop name before `.myshopify.com` (default `plexus-sandbox`); invalid names are refused at start. */
  shop?: string;
  /** Admin API version advertised; the three quarterly versions before it and `unstable` are also supported. */
  version?: string;
  redirectUris?: string[];
  /** Expiring offline access token lifetime (3600 s). */
  accessTtlSeconds?: number;
  /** Refresh token lifetime (90 days). */
  refreshTtlSeconds?: number;
  onlineTtlSeconds?: number;
  /** Refresh tokens are single-use (default true): the old one fails after a refresh. */
  rotateRefreshTokens?: boolean;
  /** Query-cost bucket: points it holds and restores a second (Standard plan: 2000 and 100). Also settable while running. */
  maximumAvailable?: number;
  restoreRate?: number;
  utcOffsetMinutes?: number;
}

export interface ShopifyRemote extends RemoteControl {
  /** A merchant edits in the admin: fields by their webhook-payload name (`title`, `body_html`, `tags`…); `updated_at` moves. */
  edit(id: string, patch: Record<string, unknown>): void;
  /** Hard delete, as Shopify does. */
  delete(id: string): void;
  /** The merchant uninstalls the app: every token of the app stops working, `app/uninstalled` goes out. */
  uninstall(): number;
  /** A merchant creates content in the admin; returns the new id. Articles go to `blogId` or the first blog. */
  create(kind: 'article' | 'page' | 'product', fields: Record<string, unknown>, blogId?: number): string;
}

export interface ShopifyRunningSandbox extends RunningSandbox {
  /** Shop name and `{shop}.myshopify.com`. */
  shop: string;
  shopDomain: string;
  clientId: string;
  clientSecret: string;
  version: string;
  /** `${url}/admin/api/${version}`. */
  apiUrl: string;
  /** `${apiUrl}/graphql.json`. */
  graphqlUrl: string;
  authorizeUrl: string;
  tokenUrl: string;
  remote: ShopifyRemote;
  bucket: CostBucket;
  /** Staged uploads and files (`media.uploads` counts uploads received). */
  media: ShopMedia;
  /** Actual query cost of every query executed, in order, with the sandbox time. */
  charges(): readonly { at: number; cost: number }[];
  /** The app URL as Shopify opens it on install: `?hmac&host&shop&timestamp`. */
  installUrl(appUrl: string): string;
  /** Checks an OAuth query's `hmac` with the app secret (sorted, form-encoded, hex). */
  verifyHmac(query: Record<string, string>): boolean;
  /** A token without the OAuth dance: non-expiring offline by default, or an expiring pair. */
  mintToken(o?: { scopes?: string[]; expiring?: boolean }): { access_token: string; refresh_token?: string };
  data(): ShopData;
  /** Sets the cost bucket (also `POST /__sandbox/bucket {maximumAvailable, restoreRate}`). */
  setRateLimit(o: { maximumAvailable: number; restoreRate: number }): void;
  /** Items of a kind and the handles more than one item took (counting Shopify's `-n` de-duplication suffixes). */
  contentStats(kind: 'article' | 'page' | 'product'): SlugStats;
  /** Subscriptions (also made through `webhookSubscriptionCreate`), `emit`, `idle()`, `deliveries()`. */
  webhooks: ShopifyWebhooks;
}

export interface SlugStats {
  total: number;
  /** Base handle → how many items took it (only those taken more than once). */
  duplicates: Record<string, number>;
}

/** Quarterly versions, newest first, ending at `version`. */
function quarters(version: string, n: number): string[] {
  const m = /^(\d{4})-(\d{2})$/.exec(version);
  if (!m) return [version];
  let y = Number(m[1]);
  let mo = Number(m[2]);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(`${y}-${String(mo).padStart(2, '0')}`);
    mo -= 3;
    if (mo < 1) {
      mo += 12;
      y -= 1;
    }
  }
  return out;
}

const API_PREFIX = /^\/admin\/api\/([^/]+)(?=\/)/;

async function start(opts: ShopifySandboxOptions = {}): Promise<ShopifyRunningSandbox> {
  const kit = sandboxKit(opts, {
    size: 80,
    generate: (kind) => (kind === 'code' ? hex() : kind === 'refresh' ? `shprt_${hex()}` : `shpat_${hex()}`),
  });
  const { now, seed, size, tokens, routes, control } = kit;
  const shop = opts.shop ?? 'plexus-sandbox';
  if (sanitizeShop(`${shop}.myshopify.com`) !== `${shop}.myshopify.com` || shop.includes('.'))
    throw new Error(`invalid Shopify shop name: ${shop}`);
  const version = opts.version ?? '2026-10';
  const config: ShopifyConfig = {
    shop,
    ...sandboxApp(opts, { clientId: 'sandbox-shopify-client-id', clientSecret: 'sandbox-shopify-client-secret' }),
    redirectUris: opts.redirectUris ?? [],
    version,
    supportedVersions: [...quarters(version, 4), 'unstable'],
    accessTtlSeconds: opts.accessTtlSeconds ?? 3600,
    refreshTtlSeconds: opts.refreshTtlSeconds ?? 7_776_000,
    onlineTtlSeconds: opts.onlineTtlSeconds ?? 86_400,
    clientCredentialsTtlSeconds: 86_399,
    rotateRefreshTokens: opts.rotateRefreshTokens ?? true,
    maximumAvailable: opts.maximumAvailable ?? 2000,
    restoreRate: opts.restoreRate ?? 100,
    utcOffsetMinutes: opts.utcOffsetMinutes ?? -300,
  };
  const hex = () => randomBytes(16).toString('hex');
  const ctx: ShopifyContext = {
    config,
    now,
    baseUrl: '',
    tokens,
    data: ShopData.seeded(seed, size, now()),
    files: new ShopFiles(),
  };
  const bucket = new CostBucket(now, config.maximumAvailable, config.restoreRate);
  const webhooks = new ShopifyWebhooks({
    shopDomain: shopDomain(config),
    clientSecret: config.clientSecret,
    retryDelaysMs: opts.webhookRetryDelaysMs ?? SHOPIFY_RETRY_DELAYS_MS,
    now,
  });
  ctx.events = {
    changed(action, r) {
      const topic = topicFor(r.kind, action);
      if (topic) webhooks.emit(topic, action === 'delete' ? { id: r.id } : render(ctx, r));
    },
    uninstalled() {
      webhooks.emit('app/uninstalled', shopObject(ctx));
      // The platform drops an app's subscriptions with the app.
      webhooks.clear();
    },
  };

  const media = new ShopMedia();
  const charges: { at: number; cost: number }[] = [];
  const deps: GraphqlDeps = {
    ctx,
    bucket,
    hooks: webhooks,
    media,
    bulk: new BulkOperations(
      (doc, g) => runDocument(deps, doc, g),
      (payload) => webhooks.emit('bulk_operations/finish', payload),
    ),
    apiVersion: (req) => resolved(versionOf(req.path) ?? config.version),
    charged: (cost) => {
      if (charges.length >= 200_000) charges.splice(0, 100_000);
      charges.push({ at: now(), cost });
    },
  };
  oauthRoutes(routes, ctx);
  graphqlRoutes(routes, deps);
  ctx.files.routes(routes);
  media.routes(routes);
  deps.bulk.routes(routes);

  const mustGet = (id: string) => mustExist(ctx.data.items.get(Number(id)), `Shopify resource with id ${id}`);
  const remote: ShopifyRemote = {
    edit(id, patch) {
      const r = mustGet(id);
      for (const [k, v] of Object.entries(patch)) {
        if (k === 'published_at') r.publishedAt = v === null ? null : Date.parse(text(v));
        else r.fields[k] = v;
      }
      r.updatedAt = Math.floor(now() / 1000) * 1000;
      ctx.events?.changed('update', r);
    },
    delete(id) {
      const r = mustGet(id);
      ctx.data.items.delete(Number(id));
      ctx.events?.changed('delete', r);
    },
    uninstall() {
      const n = tokens.revokeWhere((t) => t.clientId === config.clientId, 'uninstalled');
      ctx.events?.uninstalled();
      return n;
    },
    create(kind, fields, blogId) {
      const at = Math.floor(now() / 1000) * 1000;
      const blog = kind === 'article' ? (blogId ?? ctx.data.of('blog')[0]?.id) : undefined;
      if (kind === 'article' && blog === undefined) throw new Error('no blog to add the article to');
      const title = typeof fields['title'] === 'string' ? fields['title'] : 'Untitled';
      const r = ctx.data.add({
        kind,
        createdAt: at,
        updatedAt: at,
        publishedAt: at,
        ...(blog === undefined ? {} : { blogId: blog }),
        fields: { ...CREATE_DEFAULTS[kind], handle: handleize(title), ...fields, title },
      });
      ctx.events?.changed('create', r);
      return String(r.id);
    },
  };
  const mintToken = (o: { scopes?: string[]; expiring?: boolean } = {}) => {
    const scopes = o.scopes ?? ['read_content', 'write_content', 'read_products', 'write_products', 'write_files'];
    if (o.expiring) {
      const body = issueExpiring(ctx, scopes).body as { access_token: string; refresh_token: string };
      return { access_token: body.access_token, refresh_token: body.refresh_token };
    }
    return {
      access_token: tokens.issue({
        kind: 'access',
        clientId: config.clientId,
        subject: shopDomain(config),
        scopes,
        ttlSeconds: null,
        label: 'offline',
      }).token,
    };
  };

  control.add('POST', '/__sandbox/tokens', (req) => {
    const scopes = Array.isArray(req.body['scopes']) ? req.body['scopes'].map(String) : undefined;
    return json(201, mintToken({ ...(scopes ? { scopes } : {}), expiring: req.body['expiring'] === true }));
  });
  control.add('POST', '/__sandbox/remote/uninstall', () => json(200, { revoked: remote.uninstall() }));
  webhookStateRoute(control, webhooks, () => ({ subscriptions: webhooks.subscriptions() }));
  const topics = { field: 'topic', names: SHOPIFY_TOPICS, unknown: 'unknown_topic', listKey: 'topics' };
  namedEmitRoute(control, topics, (topic, body) =>
    json(202, { deliveries: webhooks.emit(topic, objectField(body['payload'])) }),
  );
  const setRateLimit = (o: { maximumAvailable: number; restoreRate: number }) => {
    config.maximumAvailable = o.maximumAvailable;
    config.restoreRate = o.restoreRate;
    bucket.configure(o.maximumAvailable, o.restoreRate);
  };
  control.add('POST', '/__sandbox/bucket', (req) => {
    const max = Number(req.body['maximumAvailable']);
    const rate = Number(req.body['restoreRate']);
    if (!(max >= 1) || !(rate > 0))
      return json(400, { error: 'maximumAvailable >= 1 and restoreRate > 0 are required' });
    setRateLimit({ maximumAvailable: max, restoreRate: rate });
    return json(200, { throttleStatus: bucket.status() });
  });
  control.add('GET', '/__sandbox/content/stats', (req) => {
    const kind = String(req.query['kind'] ?? 'article');
    if (kind !== 'article' && kind !== 'page' && kind !== 'product')
      return json(400, { error: 'kind is article, page or product' });
    return json(200, contentStats(kind));
  });
  const contentStats = (kind: 'article' | 'page' | 'product'): SlugStats => {
    const items = ctx.data.of(kind);
    const handles = new Set(items.map((r) => String(r.fields['handle'])));
    const counts = new Map<string, number>();
    for (const r of items) {
      const h = String(r.fields['handle']);
      // `x-2` counts as a second `x` only when `x` itself exists (Shopify's suffix for a taken handle).
      const base = /^(.*)-\d+$/.exec(h)?.[1];
      const key = base !== undefined && handles.has(base) ? base : h;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return { total: items.length, duplicates: Object.fromEntries([...counts].filter(([, n]) => n > 1)) };
  };
  control.add('POST', '/__sandbox/bucket/drain', () => {
    bucket.drain();
    return json(200, { throttleStatus: bucket.status() });
  });

  const versionOf = (path: string): string | undefined => API_PREFIX.exec(path)?.[1];
  const resolved = (v: string): string =>
    config.supportedVersions.includes(v) ? v : (config.supportedVersions.at(-2) ?? config.version);

  const running = await kit.start({
    provider: 'shopify',
    remote,
    reseed: () => {
      ctx.data = ShopData.seeded(seed, size, now());
      charges.length = 0;
    },
    parts: [ctx.files, media, deps.bulk, bucket, webhooks],
    stats: () => ({
      shop: shopDomain(config),
      version: config.version,
      throttleStatus: bucket.status(),
      items: ctx.data.items.size,
    }),
    hooks: {
      routePath: (path) => (API_PREFIX.test(path) ? path.replace(API_PREFIX, '').replace(/\.json$/, '') : path),
      before(req) {
        const v = versionOf(req.path);
        if (v === undefined) return undefined;
        return !/^\d{4}-\d{2}$/.test(v) && v !== 'unstable' ? restErrors(404, 'Not Found') : undefined;
      },
      decorate: (req, res) => decorate(req, res),
      faultResponse: (fault) => faultResponse(fault, bucket),
      notFound: (req) =>
        versionOf(req.path)
          ? restErrors(404, 'Not Found')
          : {
              status: 404,
              headers: { 'content-type': 'text/html; charset=utf-8' },
              body: '<!doctype html><title>404 Not Found</title>',
            },
    },
  });
  ctx.baseUrl = running.url;

  function decorate(req: SandboxRequest, res: SandboxResponse): SandboxResponse {
    const v = versionOf(req.path);
    const headers: Record<string, string> = { 'X-Request-Id': randomBytes(16).toString('hex'), ...res.headers };
    if (v !== undefined) headers['X-Shopify-API-Version'] = resolved(v);
    return { ...res, headers };
  }

  return {
    ...running,
    shop,
    shopDomain: shopDomain(config),
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    version,
    apiUrl: `${running.url}/admin/api/${version}`,
    graphqlUrl: `${running.url}/admin/api/${version}/graphql.json`,
    authorizeUrl: `${running.url}/admin/oauth/authorize`,
    tokenUrl: `${running.url}/admin/oauth/access_token`,
    bucket,
    media,
    charges: () => charges,
    installUrl: (appUrl) => withParams(appUrl, signedQuery(ctx, {})),
    verifyHmac: (query) => verifyQueryHmac(query, config.clientSecret),
    mintToken,
    data: () => ctx.data,
    setRateLimit,
    contentStats,
    webhooks,
  };
}

/** An injected rate limit is a THROTTLED answer with an empty bucket, as GraphQL gives it (HTTP 200). */
function faultResponse(fault: ActiveFault, bucket: CostBucket): SandboxResponse {
  if (fault.kind === 'rate_limit') {
    const status = { ...bucket.status(), currentlyAvailable: 0 };
    const body = {
      errors: [
        {
          message: 'Throttled',
          extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
        },
      ],
      extensions: { cost: { requestedQueryCost: 10, actualQueryCost: null, throttleStatus: status } },
    };
    return { status: fault.status ?? 200, headers: { 'content-type': 'application/json' }, body };
  }
  const status = fault.status ?? 500;
  return restErrors(
    status,
    status === 503 ? 'Service Unavailable' : status === 502 ? 'Bad Gateway' : 'Internal Server Error',
  );
}

const TOPIC_BASE: Partial<Record<Kind, string>> = { product: 'products', article: 'articles', page: 'pages' };

function topicFor(kind: Resource['kind'], action: 'create' | 'update' | 'delete'): ShopifyTopic | undefined {
  const base = TOPIC_BASE[kind];
  return base ? (`${base}/${action}` as ShopifyTopic) : undefined;
}

export const sandbox: Sandbox<ShopifyRunningSandbox> = { provider: 'shopify', start };
