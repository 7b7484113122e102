/**
 * Google Ads API simulator on one loopback origin: the accounts.google.com consent screen
 * (`/o/oauth2/v2/auth`), oauth2.googleapis.com (`/token`, `/revoke`, `/tokeninfo`) and the
 * googleads.googleapis.com REST paths (`/v22/customers:listAccessibleCustomers`,
 * `/v22/customers/{cid}/googleAds:search|searchStream`, and the `campaigns`, `campaignBudgets`,
 * `adGroups` and `adGroupAds` `:mutate` services), seeded from seed + size.
 */
import { randomBytes } from 'node:crypto';
import { sandboxKit } from '../../sandbox/kit/base.ts';
import type { RedirectUriOptions } from '../../sandbox/kit/options.ts';
import type { ActiveFault } from '../../sandbox/kit/faults.ts';
import { json, type SandboxRequest, type SandboxResponse } from '../../sandbox/kit/server.ts';
import { sandboxApp } from '../../sandbox/kit/app.ts';
import type { RemoteControl, RunningSandbox, Sandbox, SandboxOptions } from '../../sandbox/kit/types.ts';
import { apiRoutes } from './sandbox/api.ts';
import { ADWORDS_SCOPE, type GoogleConfig, type GoogleContext } from './sandbox/context.ts';
import { adsError, htmlNotFound, oauthError } from './sandbox/errors.ts';
import { mutateRoutes } from './sandbox/mutate.ts';
import { oauthRoutes } from './sandbox/oauth.ts';
import { seedWorld, windowDates, type GoogleWorld } from './sandbox/world.ts';

export interface GoogleAdsSandboxOptions extends SandboxOptions, RedirectUriOptions {
  /** The `developer-token` header value accepted. */
  developerToken?: string;
  /** Default 3600 (Google reports `expires_in: 3599`). */
  accessTokenTtlSeconds?: number;
  /** Default null (no fixed expiry); 604800 behaves like an app in "Testing" status. */
  refreshTokenTtlSeconds?: number | null;
  /** Default false: Google keeps the same refresh token across refreshes. */
  rotateRefreshTokens?: boolean;
  /** Versions served. Default v23–v26 (December 2026). */
  versions?: readonly string[];
  /** Sunset versions, which answer UNSUPPORTED_VERSION (docs/platforms/google-ads.md §Version). Default v19–v22. */
  sunsetVersions?: readonly string[];
  /** Rows per search page (Google: 10,000); lower it to exercise paging with little data. */
  searchPageSize?: number;
}

export interface GoogleMintOptions {
  scopes?: string[];
  ttlSeconds?: number;
  /** Also issue a refresh token in the same grant. */
  offline?: boolean;
}

export interface GoogleAdsRemote extends RemoteControl {
  /** Changes the most recent `days` of metrics, as conversions settle. */
  restate(days: number): string[];
}

export interface GoogleAdsRunningSandbox extends RunningSandbox {
  remote: GoogleAdsRemote;
  clientId: string;
  clientSecret: string;
  developerToken: string;
  version: string;
  /** `${url}/o/oauth2/v2/auth` */
  authorizeUrl: string;
  /** `${url}/token` */
  tokenUrl: string;
  /** `${url}/revoke` */
  revokeUrl: string;
  /** `${url}/${version}`: what googleads.googleapis.com/{version} becomes. */
  apiUrl: string;
  /** The manager (MCC) account id, the client ids under it and the standalone id. */
  accounts(): { managerId: string; clientIds: string[]; standaloneIds: string[] };
  world(): GoogleWorld;
  /** Entity counts per level and the daily metric rows the window holds (ads × days). */
  counts(): { accounts: number; campaigns: number; adGroups: number; ads: number; days: number; metricRows: number };
  /** Tokens without the OAuth dance (tests, demo). */
  mintToken(o?: GoogleMintOptions): { accessToken: string; refreshToken?: string; grantId: string };
}

function alnum(n: number): string {
  return randomBytes(n * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, n);
}

const API_PATH = /^\/v\d+\//;

async function start(opts: GoogleAdsSandboxOptions = {}): Promise<GoogleAdsRunningSandbox> {
  const kit = sandboxKit(opts, {
    size: 2000,
    generate: (kind) =>
      kind === 'code' ? `4/0A${alnum(70)}` : kind === 'refresh' ? `1//0${alnum(100)}` : `ya29.a0${alnum(180)}`,
  });
  const { now, seed, size, tokens, routes, control } = kit;
  const config: GoogleConfig = {
    ...sandboxApp(opts, {
      clientId: '123456789012-sandbox0plexus0apps.apps.googleusercontent.com',
      clientSecret: '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',
    }),
    developerToken: opts.developerToken ?? 'SandboxDevToken012345',
    accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 3600,
    refreshTokenTtlSeconds: opts.refreshTokenTtlSeconds === undefined ? null : opts.refreshTokenTtlSeconds,
    rotateRefreshTokens: opts.rotateRefreshTokens ?? false,
    versions: opts.versions ?? ['v23', 'v24', 'v25', 'v26'],
    sunsetVersions: opts.sunsetVersions ?? ['v19', 'v20', 'v21', 'v22'],
    searchPageSize: opts.searchPageSize ?? 10_000,
    redirectUris: opts.redirectUris ?? [],
  };
  const ctx: GoogleContext = { config, now, tokens, world: seedWorld(seed, size, now()) };
  oauthRoutes(routes, ctx);
  apiRoutes(routes, ctx);
  mutateRoutes(routes, ctx);

  const find = (id: string) => {
    const c = ctx.world.campaigns.find((x) => x.id === id);
    const b = ctx.world.budgets.get(id);
    const g = ctx.world.adGroups.find((x) => x.id === id);
    const a = ctx.world.ads.find((x) => x.id === id);
    if (!c && !b && !g && !a) throw new Error(`no Google Ads campaign, budget, ad group or ad with id ${id}`);
    return { c, b, g, a };
  };
  const remote: GoogleAdsRemote = {
    edit(id, patch) {
      const { c, b, g, a } = find(id);
      // Budget amounts are int64: accept numbers and keep them as strings.
      const norm = Object.fromEntries(
        Object.entries(patch).map(([k, v]) => [k, k.endsWith('_micros') ? String(v) : v]),
      );
      Object.assign((c ?? b ?? g ?? a) as object, norm);
    },
    delete(id) {
      // Removal is a status change (REMOVED), irreversible, still readable by id.
      const { c, b, g, a } = find(id);
      if (c) c.status = 'REMOVED';
      if (b) b.status = 'REMOVED';
      if (g) g.status = 'REMOVED';
      if (a) a.status = 'REMOVED';
    },
    restate(days) {
      // Conversions are re-attributed to recent days: their numbers change on the next read.
      const dates = windowDates(ctx.world).slice(-Math.max(0, days));
      for (const d of dates) ctx.world.restated.set(d, (ctx.world.restated.get(d) ?? 0) + 1);
      return dates;
    },
  };
  const mintToken = (o: GoogleMintOptions = {}) => {
    const grantId = tokens.newGrantId();
    const base = {
      clientId: config.clientId,
      subject: ctx.world.user.sub,
      scopes: o.scopes ?? [ADWORDS_SCOPE],
      grantId,
    };
    const refresh = o.offline
      ? tokens.issue({ ...base, kind: 'refresh', ttlSeconds: config.refreshTokenTtlSeconds, label: 'offline' })
      : undefined;
    const access = tokens.issue({
      ...base,
      kind: 'access',
      ttlSeconds: o.ttlSeconds ?? config.accessTokenTtlSeconds,
      label: o.offline ? 'offline' : 'online',
    });
    return { accessToken: access.token, grantId, ...(refresh ? { refreshToken: refresh.token } : {}) };
  };
  control.add('POST', '/__sandbox/tokens', (req) => {
    const b = req.body;
    return json(
      201,
      mintToken({
        ...(Array.isArray(b['scopes']) ? { scopes: b['scopes'].map(String) } : {}),
        ...(typeof b['ttlSeconds'] === 'number' ? { ttlSeconds: b['ttlSeconds'] } : {}),
        ...(b['offline'] === true ? { offline: true } : {}),
      }),
    );
  });

  const running = await kit.start({
    provider: 'google-ads',
    remote,
    reseed: () => {
      ctx.world = seedWorld(seed, size, now());
    },
    stats: () => ({
      versions: config.versions,
      customers: ctx.world.customers.length,
      campaigns: ctx.world.campaigns.length,
      adGroups: ctx.world.adGroups.length,
      ads: ctx.world.ads.length,
    }),
    hooks: {
      faultResponse: (fault, req) => faultResponse(fault, req, config.versions),
      notFound: (req) => htmlNotFound(req.path),
    },
  });
  const version = config.versions[config.versions.length - 1] ?? 'v26';
  return {
    ...running,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    developerToken: config.developerToken,
    version,
    authorizeUrl: `${running.url}/o/oauth2/v2/auth`,
    tokenUrl: `${running.url}/token`,
    revokeUrl: `${running.url}/revoke`,
    apiUrl: `${running.url}/${version}`,
    accounts: () => {
      const w = ctx.world;
      const manager = w.customers.find((c) => c.manager);
      return {
        managerId: manager?.id ?? '',
        clientIds: w.customers.filter((c) => c.managerId !== null).map((c) => c.id),
        standaloneIds: w.customers.filter((c) => !c.manager && c.managerId === null).map((c) => c.id),
      };
    },
    world: () => ctx.world,
    counts: () => {
      const w = ctx.world;
      return {
        accounts: w.customers.filter((c) => !c.manager).length,
        campaigns: w.campaigns.length,
        adGroups: w.adGroups.length,
        ads: w.ads.length,
        days: w.days,
        metricRows: w.ads.length * w.days,
      };
    },
    mintToken,
  };
}

function faultResponse(fault: ActiveFault, req: SandboxRequest, versions: readonly string[]): SandboxResponse {
  const version = /^\/(v\d+)\//.exec(req.path)?.[1];
  const api = API_PATH.test(req.path) && version !== undefined && versions.includes(version);
  if (!api) {
    if (fault.kind === 'rate_limit')
      return oauthError(fault.status ?? 429, 'rate_limit_exceeded', 'Rate Limit Exceeded');
    return oauthError(fault.status ?? 500, 'internal_failure', 'Backend Error');
  }
  if (fault.kind === 'rate_limit') {
    const code = typeof fault.code === 'string' ? fault.code : 'RESOURCE_TEMPORARILY_EXHAUSTED';
    const daily = code === 'RESOURCE_EXHAUSTED';
    const delay = fault.retryAfterSeconds ?? (daily ? 86_400 : 30);
    const message = daily
      ? 'Resource has been exhausted (e.g. check quota).'
      : `Too many requests. Retry in ${delay} seconds.`;
    return adsError(
      version,
      'RESOURCE_EXHAUSTED',
      [
        {
          errorCode: { quotaError: code },
          message,
          details: {
            quotaErrorDetails: {
              rateScope: daily ? 'DEVELOPER' : 'ACCOUNT',
              rateName: daily ? 'Number of operations for basic access' : 'Requests per account',
              retryDelay: `${delay}s`,
            },
          },
        },
      ],
      { message: daily ? 'Resource has been exhausted (e.g. check quota).' : message },
    );
  }
  if ((fault.status ?? 500) === 503) return adsError(version, 'UNAVAILABLE', []);
  return adsError(version, 'INTERNAL', [
    { errorCode: { internalError: 'INTERNAL_ERROR' }, message: 'An internal error has occurred.' },
  ]);
}

export const sandbox: Sandbox<GoogleAdsRunningSandbox> = { provider: 'google-ads', start };
