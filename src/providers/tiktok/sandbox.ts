/**
 * TikTok API for Business simulator on one loopback origin: the `/portal/auth` consent page
 * (business-api.tiktok.com/portal/auth) and the `/open_api/v1.3/…/` Marketing API with its
 * always-HTTP-200 `{code, message, request_id, data}` envelope, `Access-Token` header, trailing
 * slashes (HTTP 404 without one) and in-body throttling code 40100; campaign writes and status
 * changes (./sandbox/writes.ts); signed webhook deliveries to the app's callback URL
 * (./sandbox/webhooks.ts).
 */
import { randomBytes } from 'node:crypto';
import { sandboxKit } from '../../sandbox/kit/base.ts';
import type { RedirectUriOptions, WebhookRetryOptions } from '../../sandbox/kit/options.ts';
import { deliveryReply, isWebhookUrl, objectField, webhookStateRoute } from '../../sandbox/kit/webhook-control.ts';
import type { ActiveFault } from '../../sandbox/kit/faults.ts';
import { json, type SandboxRequest, type SandboxResponse } from '../../sandbox/kit/server.ts';
import type { RemoteControl, RunningSandbox, Sandbox, SandboxOptions } from '../../sandbox/kit/types.ts';
import { apiRoutes } from './sandbox/api.ts';
import type { TikTokConfig, TikTokContext } from './sandbox/context.ts';
import { pageNotFound, reply } from './sandbox/envelope.ts';
import { oauthRoutes, SUBJECT } from './sandbox/oauth.ts';
import { TIKTOK_RETRY_DELAYS_MS, TikTokWebhooks } from './sandbox/webhooks.ts';
import { seedWorld, tiktokTime, type TikTokWorld } from './sandbox/world.ts';
import { writeRoutes } from './sandbox/writes.ts';
import { text } from '../../sandbox/kit/text.ts';

export interface TikTokSandboxOptions extends SandboxOptions, RedirectUriOptions, WebhookRetryOptions {
  /** Permission ids granted (echoed as `data.scope`). Default [1, 2, 3, 4]. */
  scopes?: readonly number[];
  /** Default null: long-term advertiser tokens never time out. Set it to exercise code 40102. */
  accessTokenTtlSeconds?: number | null;
  /** auth_code lifetime; TikTok: 1 hour. */
  authCodeTtlSeconds?: number;
  /** API versions served; anything else answers code 40051. Default ['v1.3']. */
  versions?: readonly string[];
  /** The app's webhook callback URL, as registered with the platform. */
  webhookUrl?: string;
}

export interface TikTokRunningSandbox extends RunningSandbox {
  appId: string;
  secret: string;
  version: string;
  /** `${url}/portal/auth` */
  authorizeUrl: string;
  /** `${url}/open_api/${version}` (paths below it end in `/`). */
  apiUrl: string;
  advertiserIds(): string[];
  world(): TikTokWorld;
  /** Objects per level (deleted ones included) and the report's ad × day rows. */
  counts(): { accounts: number; campaigns: number; adgroups: number; ads: number; days: number; metricRows: number };
  /** A long-term advertiser token without the consent dance. */
  mintToken(o?: { ttlSeconds?: number | null }): string;
  /** `setCallback(url)`, `emit(event, content)`, `idle()`, `deliveries()`; signed with `secret`. */
  webhooks: TikTokWebhooks;
}

function alnum(n: number): string {
  return randomBytes(n * 2)
    .toString('hex')
    .slice(0, n);
}

async function start(opts: TikTokSandboxOptions = {}): Promise<TikTokRunningSandbox> {
  const kit = sandboxKit(opts, { size: 2000, generate: () => alnum(40) });
  const { now, seed, size, tokens, routes, control } = kit;
  const versions = opts.versions ?? ['v1.3'];
  const config: TikTokConfig = {
    appId: opts.clientId ?? '7312345678901234567',
    secret: opts.clientSecret ?? 'sandboxtiktoksecret0123456789abcdef0123',
    appName: opts.appName ?? 'Plexus',
    autoConsent: opts.autoConsent ?? false,
    scopes: opts.scopes ?? [1, 2, 3, 4],
    accessTokenTtlSeconds: opts.accessTokenTtlSeconds === undefined ? null : opts.accessTokenTtlSeconds,
    authCodeTtlSeconds: opts.authCodeTtlSeconds ?? 3600,
    redirectUris: opts.redirectUris ?? [],
  };
  const ctx: TikTokContext = { config, now, tokens, world: seedWorld(seed, size, now()) };
  const webhooks = new TikTokWebhooks({
    appId: config.appId,
    secret: config.secret,
    userOpenId: SUBJECT,
    retryDelaysMs: opts.webhookRetryDelaysMs ?? TIKTOK_RETRY_DELAYS_MS,
    now,
  });
  webhooks.setCallback(opts.webhookUrl);
  oauthRoutes(routes, ctx);
  apiRoutes(routes, ctx);
  writeRoutes(routes, ctx);

  const find = (id: string): { obj: object; kind: 'CAMPAIGN' | 'ADGROUP' | 'AD' } => {
    const w = ctx.world;
    const c = w.campaigns.find((x) => x.campaign_id === id);
    if (c) return { obj: c, kind: 'CAMPAIGN' };
    const g = w.adgroups.find((x) => x.adgroup_id === id);
    if (g) return { obj: g, kind: 'ADGROUP' };
    const a = w.ads.find((x) => x.ad_id === id);
    if (a) return { obj: a, kind: 'AD' };
    throw new Error(`no TikTok campaign, ad group or ad with id ${id}`);
  };
  const remote: RemoteControl = {
    edit(id, patch) {
      Object.assign(find(id).obj, patch, { modify_time: tiktokTime(now()) });
    },
    delete(id) {
      const { obj, kind } = find(id);
      Object.assign(obj, {
        operation_status: 'DISABLE',
        secondary_status: `${kind}_STATUS_DELETE`,
        modify_time: tiktokTime(now()),
      });
    },
  };
  const mintToken = (o: { ttlSeconds?: number | null } = {}): string =>
    tokens.issue({
      kind: 'access',
      clientId: config.appId,
      subject: SUBJECT,
      scopes: config.scopes.map(String),
      ttlSeconds: o.ttlSeconds === undefined ? config.accessTokenTtlSeconds : o.ttlSeconds,
      label: 'long_term',
    }).token;
  control.add('POST', '/__sandbox/tokens', (req) => {
    const ttl = req.body['ttlSeconds'];
    return json(201, {
      access_token: mintToken(typeof ttl === 'number' || ttl === null ? { ttlSeconds: ttl } : {}),
      advertiser_ids: ctx.world.advertisers.map((a) => a.advertiser_id),
    });
  });

  webhookStateRoute(control, webhooks, () => ({ callback_url: webhooks.callbackUrl ?? null }));
  control.add('POST', '/__sandbox/webhooks', (req) => {
    const url = req.body['callback_url'] ?? req.body['url'];
    if (!isWebhookUrl(url)) return json(400, { error: 'invalid_callback_url' });
    webhooks.setCallback(url);
    return json(200, { callback_url: url });
  });
  control.add('DELETE', '/__sandbox/webhooks', () => {
    webhooks.setCallback(undefined);
    return json(200, { callback_url: null });
  });
  control.add('POST', '/__sandbox/webhooks/emit', (req) => {
    const d = webhooks.emit(text(req.body['event'], 'API_SERVICE_STATUS'), objectField(req.body['content']));
    return deliveryReply(d, 'no_callback_url');
  });

  const running = await kit.start({
    provider: 'tiktok',
    remote,
    reseed: () => {
      ctx.world = seedWorld(seed, size, now());
    },
    parts: [webhooks],
    stats: () => ({
      campaigns: ctx.world.campaigns.length,
      adgroups: ctx.world.adgroups.length,
      ads: ctx.world.ads.length,
    }),
    hooks: {
      before(req) {
        if (!req.path.startsWith('/open_api/')) return undefined;
        // TikTok routes only match with the trailing slash; without it the gateway says 404.
        if (!req.path.endsWith('/')) return pageNotFound();
        const version = req.path.split('/')[2] ?? '';
        if (!versions.includes(version)) return reply(now(), 40051, `Invalid API version: ${version}.`);
        return undefined;
      },
      faultResponse: (fault, req) => faultResponse(fault, req, now()),
      notFound: () => pageNotFound(),
    },
  });
  const version = versions[versions.length - 1] ?? 'v1.3';
  return {
    ...running,
    appId: config.appId,
    secret: config.secret,
    version,
    authorizeUrl: `${running.url}/portal/auth`,
    apiUrl: `${running.url}/open_api/${version}`,
    advertiserIds: () => ctx.world.advertisers.map((a) => a.advertiser_id),
    world: () => ctx.world,
    counts: () => {
      const w = ctx.world;
      return {
        accounts: w.advertisers.length,
        campaigns: w.campaigns.length,
        adgroups: w.adgroups.length,
        ads: w.ads.length,
        days: w.days,
        metricRows: w.delivery.size * w.days,
      };
    },
    mintToken,
    webhooks,
  };
}

function faultResponse(fault: ActiveFault, _req: SandboxRequest, now: number): SandboxResponse {
  if (fault.kind === 'rate_limit') {
    const code = fault.code === undefined ? 40100 : Number(fault.code);
    const res = reply(now, code, 'Requests made too frequently. Please try again later.');
    return fault.status === undefined ? res : { ...res, status: fault.status };
  }
  // App-level system errors still come as HTTP 200; an explicit status simulates a gateway fault.
  const res = reply(
    now,
    fault.code === undefined ? 50000 : Number(fault.code),
    'System error. Please try again later.',
  );
  return fault.status === undefined ? res : { ...res, status: fault.status };
}

export const sandbox: Sandbox<TikTokRunningSandbox> = { provider: 'tiktok', start };
