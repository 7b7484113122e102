/**
 * Snapchat Marketing API simulator on one loopback origin: accounts.snapchat.com's
 * `/login/oauth2/authorize` and `/login/oauth2/access_token`, and adsapi.snapchat.com's `/v1/…`
 * reads (me, organizations, ad accounts, campaigns, ad squads, ads, daily stats) and writes
 * (campaigns; ad squad and ad status) with Snapchat's envelopes, `limit` paging via
 * `paging.next_link`, 1-hour tokens and header-less 429s.
 */
import { randomBytes } from 'node:crypto';
import { sandboxKit } from '../../sandbox/kit/base.ts';
import type { RedirectUriOptions } from '../../sandbox/kit/options.ts';
import { editWith, softDeleteTree } from '../../sandbox/kit/remote.ts';
import type { ActiveFault } from '../../sandbox/kit/faults.ts';
import { json, type SandboxRequest, type SandboxResponse } from '../../sandbox/kit/server.ts';
import { sandboxApp } from '../../sandbox/kit/app.ts';
import type { RemoteControl, RunningSandbox, Sandbox, SandboxOptions } from '../../sandbox/kit/types.ts';
import { apiRoutes, touch } from './sandbox/api.ts';
import { snapError, type SnapConfig, type SnapContext } from './sandbox/context.ts';
import { restate } from './sandbox/metrics.ts';
import { oauthRoutes } from './sandbox/oauth.ts';
import { seedWorld, type SnapWorld } from './sandbox/world.ts';

export interface SnapchatSandboxOptions extends SandboxOptions, RedirectUriOptions {
  /** Default 3600 (the quick start's 60 minutes). */
  accessTokenTtlSeconds?: number;
  /** Default null: refresh-token expiry is undocumented. */
  refreshTokenTtlSeconds?: number | null;
  /** Default false: rotation is undocumented, so the same refresh token keeps working. */
  rotateRefreshTokens?: boolean;
}

export interface SnapRemote extends RemoteControl {
  /** Changes the latest days' numbers, as Snapchat does until data is finalized; returns the dates. */
  restate(days: number): string[];
}

export interface SnapchatRunningSandbox extends RunningSandbox {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** `${url}/v1` */
  apiUrl: string;
  world(): SnapWorld;
  remote: SnapRemote;
  /** Live (not deleted) entities per level, and the seeded metric rows (ads × days). */
  counts(): {
    organizations: number;
    accounts: number;
    campaigns: number;
    adsquads: number;
    ads: number;
    days: number;
    metricRows: number;
  };
  mintToken(o?: { ttlSeconds?: number }): { accessToken: string; refreshToken: string };
}

function b64(n: number): string {
  return randomBytes(n).toString('base64url');
}

async function start(opts: SnapchatSandboxOptions = {}): Promise<SnapchatRunningSandbox> {
  const kit = sandboxKit(opts, {
    size: 2000,
    generate: (kind) =>
      kind === 'code'
        ? b64(24)
        : kind === 'refresh'
          ? `hCgw${b64(60)}`
          : `eyJpc3MiOiJodHRwczpcL1wvYXV0aC5zbmFwY2hhdC5jb20i.${b64(180)}`,
  });
  const { now, seed, size, tokens, routes, control } = kit;
  const config: SnapConfig = {
    ...sandboxApp(opts, {
      clientId: '6b0f8a8e-5f1c-4d8b-9a3e-sandbox00snap',
      clientSecret: 'sandbox-snapchat-client-secret-0123',
    }),
    accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 3600,
    refreshTokenTtlSeconds: opts.refreshTokenTtlSeconds === undefined ? null : opts.refreshTokenTtlSeconds,
    rotateRefreshTokens: opts.rotateRefreshTokens ?? false,
    redirectUris: opts.redirectUris ?? [],
  };
  const ctx: SnapContext = { config, now, tokens, world: seedWorld(seed, size, now()), baseUrl: '' };
  oauthRoutes(routes, ctx);
  apiRoutes(routes, ctx);

  const entity = (id: string) => {
    const w = ctx.world;
    const c =
      w.campaigns.find((x) => x.id === id) ?? w.adsquads.find((x) => x.id === id) ?? w.ads.find((x) => x.id === id);
    if (!c) throw new Error(`no Snapchat campaign, ad squad or ad with id ${id}`);
    return c;
  };
  const touchNow = (e: { updated_at: string }) => touch(e, now());
  const remote: SnapRemote = {
    edit: editWith(entity, touchNow),
    // Deleting a parent takes its children with it.
    delete(id) {
      const w = ctx.world;
      softDeleteTree(entity(id), [w.adsquads, (q) => q.campaign_id], [w.ads, (a) => a.ad_squad_id], touchNow);
    },
    restate: (days) => restate(ctx.world, days),
  };
  const counts = () => {
    const w = ctx.world;
    const ads = w.ads.filter((a) => !a.deleted).length;
    return {
      organizations: w.organizations.length,
      accounts: w.accounts.length,
      campaigns: w.campaigns.filter((c) => !c.deleted).length,
      adsquads: w.adsquads.filter((q) => !q.deleted).length,
      ads,
      days: w.days,
      metricRows: ads * w.days,
    };
  };
  const mintToken = (o: { ttlSeconds?: number } = {}) => {
    const grantId = tokens.newGrantId();
    const base = { clientId: config.clientId, subject: ctx.world.me.id, scopes: ['snapchat-marketing-api'], grantId };
    const refresh = tokens.issue({ ...base, kind: 'refresh', ttlSeconds: config.refreshTokenTtlSeconds });
    const access = tokens.issue({ ...base, kind: 'access', ttlSeconds: o.ttlSeconds ?? config.accessTokenTtlSeconds });
    return { accessToken: access.token, refreshToken: refresh.token };
  };
  control.add('POST', '/__sandbox/tokens', (req) =>
    json(201, mintToken(typeof req.body['ttlSeconds'] === 'number' ? { ttlSeconds: req.body['ttlSeconds'] } : {})),
  );

  const running = await kit.start({
    provider: 'snapchat',
    remote,
    reseed: () => {
      ctx.world = seedWorld(seed, size, now());
    },
    stats: () => ({ campaigns: ctx.world.campaigns.length, counts: counts() }),
    hooks: {
      faultResponse,
      notFound: (req) => snapError(404, `No route for ${req.method} ${req.path}`),
    },
  });
  ctx.baseUrl = running.url;
  return {
    ...running,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authorizeUrl: `${running.url}/login/oauth2/authorize`,
    tokenUrl: `${running.url}/login/oauth2/access_token`,
    apiUrl: `${running.url}/v1`,
    world: () => ctx.world,
    counts,
    mintToken,
  };
}

function faultResponse(fault: ActiveFault, req: SandboxRequest): SandboxResponse {
  const oauth = req.path.startsWith('/login/') || req.path.startsWith('/accounts/');
  if (fault.kind === 'rate_limit') {
    // No rate-limit headers and no Retry-After, as documented.
    const status = fault.status ?? 429;
    return oauth
      ? json(status, { error: 'too_many_requests', error_description: 'Too Many Requests' })
      : snapError(status, 'Too Many Requests');
  }
  const status = fault.status ?? 500;
  return oauth
    ? json(status, { error: 'server_error', error_description: 'Internal Server Error' })
    : snapError(status, status === 503 ? 'Service Unavailable' : 'Internal Server Error');
}

export const sandbox: Sandbox<SnapchatRunningSandbox> = { provider: 'snapchat', start };
