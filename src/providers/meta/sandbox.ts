/**
 * Meta (Graph / Marketing API) simulator: Facebook Login, ad accounts → campaigns → ad sets →
 * ads, insights (sync and async), usage headers and throttling codes, Graph error envelopes and
 * signed ad_account webhooks, all on loopback and seeded deterministically from seed + size.
 * Route modules live in ./sandbox/; this file wires them to the shared sandbox kit.
 */
import { randomBytes } from 'node:crypto';
import { sandboxKit } from '../../sandbox/kit/base.ts';
import type { WebhookRetryOptions } from '../../sandbox/kit/options.ts';
import type { ActiveFault } from '../../sandbox/kit/faults.ts';
import { rngFor } from '../../sandbox/kit/rng.ts';
import type { SandboxRequest, SandboxResponse } from '../../sandbox/kit/server.ts';
import type { RemoteControl, RunningSandbox, Sandbox, SandboxOptions } from '../../sandbox/kit/types.ts';
import { appToken, mint, type MetaConfig, type MetaContext, type MintOptions } from './sandbox/context.ts';
import { metaControlRoutes } from './sandbox/control-routes.ts';
import { graphError, unknownPath } from './sandbox/errors.ts';
import { graphRoutes } from './sandbox/graph.ts';
import { insightsRoutes, reportNode, ReportRuns, type ReportFailure } from './sandbox/insights.ts';
import { restate } from './sandbox/metrics.ts';
import { oauthRoutes } from './sandbox/oauth.ts';
import { seedWorld } from './sandbox/seed.ts';
import { DEFAULT_LIMITS, throttleError, UsageMeter, type UsageLimits, type UseCase } from './sandbox/usage.ts';
import { META_RETRY_DELAYS_MS, MetaWebhooks, webhookRoutes } from './sandbox/webhooks.ts';
import type { Entity, MetaWorld } from './sandbox/world.ts';

export interface MetaSandboxOptions extends SandboxOptions, WebhookRetryOptions {
  /** Graph version served and used in generated URLs. Any `vNN.N` path is accepted. */
  version?: string;
  /**
   * Marketing API versions past their expiry (docs/platforms/meta.md §Version): ads calls under
   * them answer error #2635, the way Meta does. Default: v23.0 and v24.0 (expired by late 2026).
   */
  expiredVersions?: readonly string[];
  /** Code exchange result; Meta's short-lived user tokens last one to two hours. */
  shortLivedTtlSeconds?: number;
  /** `fb_exchange_token` result; about 60 days. */
  longLivedTtlSeconds?: number;
  limits?: Partial<UsageLimits>;
  /** Polls of `GET /{report_run_id}` before an async report completes. */
  asyncReportPolls?: number;
  /** Report jobs complete this long after creation, polled or not (0: by poll count). */
  asyncReportMs?: number;
  /**
   * A synchronous insights read covering more rows (objects × time buckets) than this times
   * out the way Meta's does (code 100, subcode 1504018: use an async report). Default 250,000.
   */
  syncInsightsMaxRows?: number;
  /** Days of delivery history to seed (the `size` rows spread over them); default: at most 90. */
  historyDays?: number;
  /** Behave as if the app enabled "Require App Secret". */
  requireAppSecretProof?: boolean;
}

export type { MintOptions, ReportFailure };

export interface MetaRemote extends RemoteControl {
  /** Changes the most recent `days` of metrics, as Meta does while attribution settles. */
  restate(days?: number): string[];
  /** The next async report run created ends in "Job Failed" (or "Job Skipped") instead of completing. */
  failNextReport(status?: ReportFailure): void;
  /** Puts an ad under review (or clears it); WITH_ISSUES sends a with_issues_ad_objects webhook. */
  setReview(adId: string, review: Entity['review'] | null): void;
}

export interface MetaRunningSandbox extends RunningSandbox {
  appId: string;
  appSecret: string;
  /** `{app_id}|{app_secret}`, accepted where Graph takes an app token. */
  appToken: string;
  version: string;
  userId: string;
  /** `${url}/${version}`: the base a connector is configured with. */
  graphUrl: string;
  /** `${url}/${version}/dialog/oauth`. */
  dialogUrl: string;
  remote: MetaRemote;
  webhooks: MetaWebhooks;
  usage: UsageMeter;
  /** The live data, for assertions. */
  world(): MetaWorld;
  counts(): { accounts: number; campaigns: number; adsets: number; ads: number; days: number; metricRows: number };
  /** A user token without the OAuth dance (tests, demo). */
  mintToken(o?: MintOptions): string;
}

const LEVEL: Record<string, string> = { campaign: 'CAMPAIGN', adset: 'AD_SET', ad: 'AD' };
const VERSION_PREFIX = /^\/v\d+\.\d+(?=\/|$)/;

function alnum(n: number): string {
  return randomBytes(n * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, n);
}

function statusName(status: string): string {
  return status
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

async function start(opts: MetaSandboxOptions = {}): Promise<MetaRunningSandbox> {
  const kit = sandboxKit(opts, {
    size: 2000,
    generate: (kind) => (kind === 'code' ? `AQ${alnum(120)}` : `EAA${alnum(150)}`),
  });
  const { now, seed, size, tokens, routes, control } = kit;
  const config: MetaConfig = {
    appId: opts.clientId ?? '1234567890123456',
    appSecret: opts.clientSecret ?? 'sandbox-meta-app-secret',
    appName: opts.appName ?? 'Plexus',
    version: opts.version ?? 'v27.0',
    autoConsent: opts.autoConsent ?? false,
    shortLivedTtlSeconds: opts.shortLivedTtlSeconds ?? 7200,
    longLivedTtlSeconds: opts.longLivedTtlSeconds ?? 5_183_944,
    asyncReportPolls: opts.asyncReportPolls ?? 3,
    asyncReportMs: opts.asyncReportMs ?? 0,
    syncInsightsMaxRows: opts.syncInsightsMaxRows ?? 250_000,
    requireAppSecretProof: opts.requireAppSecretProof ?? false,
    user: { id: `10${rngFor(seed, 'meta-user').digits(13)}`, name: 'Sandbox User' },
  };
  const ctx: MetaContext = { config, now, baseUrl: '', world: seedWorld(seed, size, now(), opts.historyDays), tokens };
  const expiredVersions = opts.expiredVersions ?? ['v23.0', 'v24.0'];
  const reports = new ReportRuns();
  const usage = new UsageMeter(now, { ...DEFAULT_LIMITS, ...opts.limits }, (accountId) =>
    activeAds(ctx.world, accountId),
  );
  const webhooks = new MetaWebhooks(ctx, opts.webhookRetryDelaysMs ?? META_RETRY_DELAYS_MS);

  oauthRoutes(routes, ctx);
  webhookRoutes(routes, ctx, webhooks);
  insightsRoutes(routes, ctx, reports);
  graphRoutes(routes, ctx, { otherNode: (req, id) => reportNode(ctx, reports, req, id) });

  /** Which ad account and use case a Graph call is metered against; undefined for login endpoints. */
  const meterOf = (path: string): { accountId?: string; useCase: UseCase } | undefined => {
    const parts = path.replace(VERSION_PREFIX, '').split('/').filter(Boolean);
    const first = parts[0] ?? '';
    if (['dialog', 'oauth', 'debug_token'].includes(first)) return undefined;
    const run = reports.runs.get(first);
    const accountId = run?.accountId ?? ctx.world.get(first)?.accountId;
    const useCase: UseCase = run || parts.includes('insights') ? 'ads_insights' : 'ads_management';
    return accountId ? { accountId, useCase } : { useCase };
  };

  const remote: MetaRemote = {
    edit(id, patch) {
      const e = mustGet(ctx, id);
      const normalized = Object.fromEntries(
        Object.entries(patch).map(([k, v]) => [k, /budget|spend_cap/.test(k) && typeof v === 'number' ? String(v) : v]),
      );
      if (normalized['status'] === 'DELETED') ctx.world.softDelete(e, now());
      else ctx.world.update(e, normalized, now());
      if ('status' in patch) notify(e, 'in_process_ad_objects');
    },
    delete(id) {
      const e = mustGet(ctx, id);
      ctx.world.softDelete(e, now());
      notify(e, 'in_process_ad_objects');
    },
    restate: (days = 3) => restate(ctx.world, days),
    failNextReport(status = 'Job Failed') {
      reports.failNext = status;
    },
    setReview(adId, review) {
      const e = mustGet(ctx, adId);
      if (review) e.review = review;
      else delete e.review;
      ctx.world.update(e, {}, now());
      notify(e, review === 'WITH_ISSUES' ? 'with_issues_ad_objects' : 'in_process_ad_objects');
    },
  };
  const notify = (e: Entity, field: string): void => {
    const level = LEVEL[e.kind];
    if (level)
      void webhooks.emit(e.accountId, field, {
        id: e.id,
        level,
        status_name: statusName(ctx.world.effectiveStatus(e) ?? ''),
      });
  };

  metaControlRoutes(control, ctx, remote, webhooks, (o) => mint(ctx, o));

  const running = await kit.start({
    provider: 'meta',
    remote,
    reseed: () => {
      ctx.world = seedWorld(seed, size, now(), opts.historyDays);
    },
    parts: [usage, reports, webhooks],
    stats: () => ({
      version: config.version,
      appId: config.appId,
      counts: counts(ctx.world),
      reportRuns: reports.runs.size,
    }),
    hooks: {
      routePath: (path) => path.replace(VERSION_PREFIX, '') || '/',
      before(req) {
        const m = meterOf(req.path);
        if (!m) return undefined;
        const expired = expiredAdsVersion(req.path, m, expiredVersions);
        if (expired) return deprecatedVersionError(config.version);
        const throttled = usage.throttle(m.accountId, m.useCase);
        usage.record(m.accountId, m.useCase);
        return throttled;
      },
      decorate(req, res) {
        const m = meterOf(req.path);
        return m ? { ...res, headers: { ...usage.headers(m.accountId, m.useCase), ...res.headers } } : res;
      },
      faultResponse: (fault, req) => faultResponse(fault, req, meterOf(req.path), usage),
      notFound: (req) => unknownPath(req.path),
    },
  });
  ctx.baseUrl = running.url;

  return {
    ...running,
    appId: config.appId,
    appSecret: config.appSecret,
    appToken: appToken(ctx),
    version: config.version,
    userId: config.user.id,
    graphUrl: `${running.url}/${config.version}`,
    dialogUrl: `${running.url}/${config.version}/dialog/oauth`,
    webhooks,
    usage,
    world: () => ctx.world,
    counts: () => counts(ctx.world),
    mintToken: (o = {}) => mint(ctx, o),
  };
}

function faultResponse(
  fault: ActiveFault,
  req: SandboxRequest,
  m: { accountId?: string; useCase: UseCase } | undefined,
  usage: UsageMeter,
): SandboxResponse {
  if (fault.kind === 'rate_limit') {
    const fallback = m?.useCase === 'ads_insights' ? 80000 : m?.accountId ? 80004 : 4;
    const code = fault.code === undefined ? fallback : Number(fault.code);
    const res = throttleError(code, fault.status ?? 400);
    const regainMinutes = Math.max(1, Math.ceil((fault.retryAfterSeconds ?? 60) / 60));
    return { ...res, headers: { ...res.headers, ...usage.headers(m?.accountId, m?.useCase, { code, regainMinutes }) } };
  }
  const status = fault.status ?? 500;
  const code = Number(fault.code ?? (status === 503 ? 2 : 1));
  return code === 2
    ? graphError({
        message: 'An unexpected error has occurred. Please retry your request later.',
        code: 2,
        isTransient: true,
        status,
      })
    : graphError({ message: 'An unknown error occurred', code: 1, subcode: 99, isTransient: true, status });
}

function mustGet(ctx: MetaContext, id: string): Entity {
  const e = ctx.world.get(id);
  if (!e) throw new Error(`no Meta object with id ${id}`);
  return e;
}

function activeAds(world: MetaWorld, accountId: string): number {
  const account = world.account(accountId);
  return account ? world.under(account, 'ad').filter((a) => world.effectiveStatus(a) === 'ACTIVE').length : 0;
}

function counts(world: MetaWorld): ReturnType<MetaRunningSandbox['counts']> {
  const c = world.counts();
  const seededAds = world.accounts.reduce((n, a) => n + world.under(a, 'ad').filter((ad) => ad.profile).length, 0);
  return {
    accounts: c.account,
    campaigns: c.campaign,
    adsets: c.adset,
    ads: c.ad,
    days: world.days,
    metricRows: seededAds * world.days,
  };
}

export const sandbox: Sandbox<MetaRunningSandbox> = { provider: 'meta', start };

/** An ads call (metered against an ad account, or an insights read) under an expired Marketing API version. */
function expiredAdsVersion(
  path: string,
  m: { accountId?: string; useCase: UseCase },
  expired: readonly string[],
): boolean {
  const version = VERSION_PREFIX.exec(path)?.[0].slice(1);
  return (
    version !== undefined && expired.includes(version) && (m.accountId !== undefined || m.useCase === 'ads_insights')
  );
}

/** Meta's answer to a Marketing API call under an expired version (seen in the wild as #2635). */
function deprecatedVersionError(latest: string): SandboxResponse {
  return graphError({
    message: `(#2635) You are calling a deprecated version of the Ads API. Please update to the latest version: ${latest}.`,
    code: 2635,
  });
}
