/**
 * LinkedIn Marketing API simulator on one loopback origin: www.linkedin.com's OAuth endpoints
 * (`/oauth/v2/authorization`, `/oauth/v2/accessToken`, `/oauth/v2/introspectToken`,
 * `/oauth/v2/revoke`) and api.linkedin.com's `/rest/…` ads reads with the LinkedIn-Version and
 * Rest.li 2.0 headers enforced, 401 serviceErrorCode bodies and header-less 429s; creatives and
 * daily adAnalytics (./sandbox/analytics.ts); campaign group create / partial update / delete and
 * status changes of campaigns and creatives (./sandbox/writes.ts); the webhook challenge and
 * signed notifications (./sandbox/webhooks.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sandboxKit } from '../../sandbox/kit/base.ts';
import type { RedirectUriOptions, WebhookRetryOptions } from '../../sandbox/kit/options.ts';
import { deliveryReply, isWebhookUrl, webhookStateRoute } from '../../sandbox/kit/webhook-control.ts';
import { editWith } from '../../sandbox/kit/remote.ts';
import type { ActiveFault } from '../../sandbox/kit/faults.ts';
import { json, type SandboxRequest, type SandboxResponse } from '../../sandbox/kit/server.ts';
import { sandboxApp } from '../../sandbox/kit/app.ts';
import type { RemoteControl, RunningSandbox, Sandbox, SandboxOptions } from '../../sandbox/kit/types.ts';
import { analyticsRoutes, metricRowCount } from './sandbox/analytics.ts';
import { apiRoutes } from './sandbox/api.ts';
import type { LinkedInConfig, LinkedInContext } from './sandbox/context.ts';
import { apiError, oauthError, THROTTLED } from './sandbox/errors.ts';
import { GONE, removeTree, statusKey, touch } from './sandbox/lifecycle.ts';
import { oauthRoutes } from './sandbox/oauth.ts';
import { LINKEDIN_RETRY_DELAYS_MS, LinkedInWebhooks } from './sandbox/webhooks.ts';
import { seedWorld, type LinkedInWorld } from './sandbox/world.ts';
import { writeRoutes } from './sandbox/writes.ts';

export interface LinkedInSandboxOptions extends SandboxOptions, RedirectUriOptions, WebhookRetryOptions {
  /** Default 5,184,000 s (60 days). */
  accessTokenTtlSeconds?: number;
  /** Default 31,536,000 s (365 days), fixed from the first authorization. */
  refreshTokenTtlSeconds?: number;
  /** Whether the app is approved for programmatic refresh tokens. Default true. */
  programmaticRefresh?: boolean;
  /** Default false: a refresh returns the same refresh token. */
  rotateRefreshTokens?: boolean;
  /** `LinkedIn-Version` values served. Default 202512…202607 (December 2026). */
  activeVersions?: readonly string[];
  /** Authorization-code lifetime (reportedly 30 minutes). */
  codeTtlSeconds?: number;
  /** Webhook target set at start without a challenge; `webhooks.register(url)` validates first. */
  webhookUrl?: string;
}

export interface LinkedInRunningSandbox extends RunningSandbox {
  clientId: string;
  clientSecret: string;
  /** Newest served `LinkedIn-Version`. */
  version: string;
  authorizeUrl: string;
  tokenUrl: string;
  introspectUrl: string;
  revokeUrl: string;
  /** `${url}/rest` */
  apiUrl: string;
  world(): LinkedInWorld;
  mintToken(o?: { scopes?: string[]; ttlSeconds?: number }): string;
  /** `register(url)` / `verifyChallenge(url)`, `emit`, `emitLead`, `idle()`, `deliveries()`. */
  webhooks: LinkedInWebhooks;
  /** LinkedIn's challenge GET against a subscriber, checked with the client secret. */
  verifyChallenge(callbackUrl: string): ReturnType<LinkedInWebhooks['verifyChallenge']>;
  /** Entities not (pending) deleted per level, and the delivering creative-days among them. */
  counts(): {
    accounts: number;
    groups: number;
    campaigns: number;
    creatives: number;
    days: number;
    metricRows: number;
  };
}

export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(4));
  while (`${y}${String(m).padStart(2, '0')}` <= to) {
    out.push(`${y}${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

function tokenString(n: number): string {
  return randomBytes(n * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, n);
}

async function start(opts: LinkedInSandboxOptions = {}): Promise<LinkedInRunningSandbox> {
  const kit = sandboxKit(opts, {
    size: 2000,
    generate: (kind) =>
      kind === 'code'
        ? `AQ${tokenString(150)}`
        : kind === 'refresh'
          ? `AQX${tokenString(300)}`
          : `AQV${tokenString(330)}`,
  });
  const { now, seed, size, tokens, routes, control } = kit;
  const config: LinkedInConfig = {
    ...sandboxApp(opts, { clientId: '78sandboxlnkd01', clientSecret: 'WPL_AP1.sandboxLinkedInSecret.0123==' }),
    accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 5_184_000,
    refreshTokenTtlSeconds: opts.refreshTokenTtlSeconds ?? 31_536_000,
    programmaticRefresh: opts.programmaticRefresh ?? true,
    rotateRefreshTokens: opts.rotateRefreshTokens ?? false,
    activeVersions: opts.activeVersions ?? monthsBetween('202512', '202607'),
    redirectUris: opts.redirectUris ?? [],
    codeTtlSeconds: opts.codeTtlSeconds ?? 1800,
  };
  const ctx: LinkedInContext = { config, now, tokens, world: seedWorld(seed, size, now()) };
  const webhooks = new LinkedInWebhooks({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    retryDelaysMs: opts.webhookRetryDelaysMs ?? LINKEDIN_RETRY_DELAYS_MS,
    now,
  });
  webhooks.setWebhookUrl(opts.webhookUrl);
  oauthRoutes(routes, ctx);
  apiRoutes(routes, ctx);
  analyticsRoutes(routes, ctx);
  writeRoutes(routes, ctx);

  const entity = (id: string): Record<string, unknown> => {
    const e =
      [...ctx.world.campaigns, ...ctx.world.groups].find((x) => String(x.id) === id) ??
      ctx.world.creatives.find((c) => c.id === id || c.id === `urn:li:sponsoredCreative:${id}`);
    if (!e) throw new Error(`no LinkedIn campaign, campaign group or creative with id ${id}`);
    return e as unknown as Record<string, unknown>;
  };
  const remote: RemoteControl = {
    edit: editWith(entity, (e) => touch(e, now())),
    delete(id) {
      // DELETE is only allowed for drafts; anything else goes to PENDING_DELETION like a UI removal.
      const e = entity(id);
      removeTree(ctx.world, e, e[statusKey(e)] === 'DRAFT' ? 'REMOVED' : 'PENDING_DELETION', now());
    },
  };
  const counts = () => {
    const w = ctx.world;
    const live = (c: (typeof w.creatives)[number]) => !GONE.has(c.intendedStatus);
    return {
      accounts: w.accounts.filter((a) => !GONE.has(a.status)).length,
      groups: w.groups.filter((g) => !GONE.has(g.status)).length,
      campaigns: w.campaigns.filter((c) => !GONE.has(c.status)).length,
      creatives: w.creatives.filter(live).length,
      days: w.days,
      metricRows: metricRowCount(w, live),
    };
  };
  const mintToken = (o: { scopes?: string[]; ttlSeconds?: number } = {}): string =>
    tokens.issue({
      kind: 'access',
      clientId: config.clientId,
      subject: ctx.world.member.id,
      scopes: o.scopes ?? ['r_ads', 'rw_ads', 'r_ads_reporting'],
      ttlSeconds: o.ttlSeconds ?? config.accessTokenTtlSeconds,
    }).token;
  control.add('POST', '/__sandbox/tokens', (req) => {
    const b = req.body;
    return json(201, {
      access_token: mintToken({
        ...(Array.isArray(b['scopes']) ? { scopes: b['scopes'].map(String) } : {}),
        ...(typeof b['ttlSeconds'] === 'number' ? { ttlSeconds: b['ttlSeconds'] } : {}),
      }),
    });
  });

  webhookStateRoute(control, webhooks, () => ({ url: webhooks.url ?? null, validated: webhooks.validated }));
  control.add('POST', '/__sandbox/webhooks', async (req) => {
    const url = req.body['url'];
    if (!isWebhookUrl(url)) return json(400, { error: 'invalid_url' });
    if (req.body['validate'] === false) {
      webhooks.setWebhookUrl(url);
      return json(200, { url, validated: false });
    }
    const check = await webhooks.register(url);
    return json(check.ok ? 200 : 422, {
      url: check.ok ? url : (webhooks.url ?? null),
      validated: check.ok,
      challenge: check,
    });
  });
  control.add('DELETE', '/__sandbox/webhooks', () => {
    webhooks.setWebhookUrl(undefined);
    return json(200, { url: null });
  });
  control.add('POST', '/__sandbox/webhooks/emit', (req) => {
    const payload = req.body['payload'];
    const account =
      typeof req.body['sponsoredAccount'] === 'string'
        ? req.body['sponsoredAccount']
        : `urn:li:sponsoredAccount:${ctx.world.accounts[0]?.id ?? 0}`;
    const d =
      payload && typeof payload === 'object'
        ? webhooks.emit(payload as Record<string, unknown>)
        : webhooks.emitLead({
            sponsoredAccount: account,
            ...(req.body['leadAction'] === 'DELETED' ? { leadAction: 'DELETED' as const } : {}),
          });
    return deliveryReply(d, 'no_webhook_url');
  });

  const running = await kit.start({
    provider: 'linkedin',
    remote,
    reseed: () => {
      ctx.world = seedWorld(seed, size, now());
    },
    parts: [webhooks],
    stats: () => ({ activeVersions: config.activeVersions, counts: counts() }),
    hooks: {
      decorate(req, res) {
        if (!req.path.startsWith('/rest/')) return res;
        return {
          ...res,
          headers: {
            'x-li-uuid': randomUUID(),
            'x-restli-protocol-version': '2.0.0',
            'x-li-fabric': 'prod-lva1',
            ...res.headers,
          },
        };
      },
      faultResponse,
      notFound: (req) =>
        req.path.startsWith('/oauth/')
          ? {
              status: 404,
              headers: { 'content-type': 'text/html; charset=utf-8' },
              body: '<!doctype html><title>Page not found</title><h1>Page not found</h1>',
            }
          : apiError(404, 'NOT_FOUND', `No virtual resource found`),
    },
  });
  const version = config.activeVersions[config.activeVersions.length - 1] ?? '202607';
  return {
    ...running,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    version,
    authorizeUrl: `${running.url}/oauth/v2/authorization`,
    tokenUrl: `${running.url}/oauth/v2/accessToken`,
    introspectUrl: `${running.url}/oauth/v2/introspectToken`,
    revokeUrl: `${running.url}/oauth/v2/revoke`,
    apiUrl: `${running.url}/rest`,
    world: () => ctx.world,
    mintToken,
    webhooks,
    verifyChallenge: (callbackUrl) => webhooks.verifyChallenge(callbackUrl),
    counts,
  };
}

function faultResponse(fault: ActiveFault, req: SandboxRequest): SandboxResponse {
  const oauth = req.path.startsWith('/oauth/');
  if (fault.kind === 'rate_limit') {
    // No rate-limit headers and no Retry-After: LinkedIn sends neither.
    return oauth
      ? oauthError(fault.status ?? 429, 'temporarily_unavailable', THROTTLED)
      : json(fault.status ?? 429, { message: THROTTLED, status: fault.status ?? 429 });
  }
  const status = fault.status ?? 500;
  if (oauth) return oauthError(status, 'server_error', 'Internal Server Error');
  return json(status, { message: status === 504 ? 'Gateway Timeout' : 'Internal Server Error', status });
}

export const sandbox: Sandbox<LinkedInRunningSandbox> = { provider: 'linkedin', start };
