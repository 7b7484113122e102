/**
 * X Ads API simulator on one loopback origin: api.x.com's OAuth 1.0a endpoints
 * (`/oauth/request_token`, `/oauth/authorize`, `/oauth/access_token`,
 * `/1.1/oauth/invalidate_token`), ads-api.x.com's `/12/…` reads, writes and analytics (sync and
 * async jobs), every request HMAC-SHA1 verified, and ton.twimg.com's gzipped job results.
 * Clients may sign against the sandbox origin or the real host they think they call.
 */
import { randomBytes } from 'node:crypto';
import { sandboxKit } from '../../sandbox/kit/base.ts';
import { editWith, softDeleteTree } from '../../sandbox/kit/remote.ts';
import type { ActiveFault } from '../../sandbox/kit/faults.ts';
import { json, type SandboxRequest, type SandboxResponse } from '../../sandbox/kit/server.ts';
import type { RemoteControl, RunningSandbox, Sandbox, SandboxOptions } from '../../sandbox/kit/types.ts';
import { apiRoutes, RateMeter } from './sandbox/api.ts';
import { adsError, WINDOW_MS } from './sandbox/envelope.ts';
import type { XConfig, XContext } from './sandbox/context.ts';
import { OAuthFlow, v11Error } from './sandbox/oauth.ts';
import { StatsJobs, type StatsJob } from './sandbox/stats-jobs.ts';
import { seedWorld, xTime, type XWorld } from './sandbox/world.ts';

export { signRequest, type SignInput } from './sandbox/oauth1.ts';

/** Hosts whose URLs a client may have used when building the signature base string. */
export const REAL_ORIGINS = [
  'https://api.x.com',
  'https://api.twitter.com',
  'https://ads-api.x.com',
  'https://ads-api.twitter.com',
];

export interface XSandboxOptions extends SandboxOptions {
  /** Accepted oauth_timestamp skew against the sandbox clock; null disables. Default 300. */
  timestampWindowSeconds?: number | null;
  /** Unused request tokens expire after this. Default 900. */
  requestTokenTtlSeconds?: number;
  /** Answer 429 once a window's limit is used up. Default true. */
  enforceRateLimits?: boolean;
  /** Versions served; 11 answers with x-api-warn. Default ['11', '12']. */
  versions?: readonly string[];
  /** Status polls an async stats job answers PROCESSING to before it finishes. Default 2. */
  statsJobPolls?: number;
}

/** The async analytics jobs, for tests. */
export interface XStatsJobsControl {
  /** Every job created so far, oldest first. */
  list(): readonly StatsJob[];
  /** The next `n` jobs end in FAILED (0 stops failing). */
  failNext(n: number): void;
  /** How many polls a job needs before it is SUCCESS (from now on, for every job). */
  setPollsToFinish(n: number): void;
}

export interface XRunningSandbox extends RunningSandbox {
  consumerKey: string;
  consumerSecret: string;
  version: string;
  requestTokenUrl: string;
  authorizeUrl: string;
  accessTokenUrl: string;
  /** `${url}/${version}` */
  apiUrl: string;
  userId: string;
  screenName: string;
  world(): XWorld;
  /** Entities a default listing returns (not deleted; drafts included) and the seeded metric rows. */
  counts(): {
    accounts: number;
    campaigns: number;
    lineItems: number;
    promotedTweets: number;
    days: number;
    metricRows: number;
  };
  /** An access token + secret without the three-legged dance. */
  mintToken(o?: { accessType?: 'read' | 'write' }): { token: string; secret: string };
  statsJobs: XStatsJobsControl;
}

function rand(n: number): string {
  return randomBytes(n * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, n);
}

const VERSION_PATH = /^\/(\d+)(?=\/|$)/;

async function start(opts: XSandboxOptions = {}): Promise<XRunningSandbox> {
  // The generator first runs when a token is issued, after `world` below exists.
  const kit = sandboxKit(opts, { size: 2000, generate: () => `${world.user.id}-${rand(40)}` });
  const { now, seed, size, tokens, routes, control } = kit;
  const versions = opts.versions ?? ['11', '12'];
  const current = versions[versions.length - 1] ?? '12';
  const config: XConfig = {
    consumerKey: opts.clientId ?? 'sandboxXconsumerKey0123456',
    consumerSecret: opts.clientSecret ?? 'sandboxXconsumerSecret0123456789abcdefghijklmn',
    appName: opts.appName ?? 'Plexus',
    autoConsent: opts.autoConsent ?? false,
    timestampWindowSeconds: opts.timestampWindowSeconds === undefined ? 300 : opts.timestampWindowSeconds,
    requestTokenTtlSeconds: opts.requestTokenTtlSeconds ?? 900,
    enforceRateLimits: opts.enforceRateLimits ?? true,
  };
  const world = seedWorld(seed, size, now());
  const jobs = new StatsJobs(Math.max(1, opts.statsJobPolls ?? 2));
  const ctx: XContext = {
    config,
    now,
    tokens,
    secrets: new Map(),
    world,
    origins: [...REAL_ORIGINS],
    baseUrl: '',
    jobs,
  };
  const flow = new OAuthFlow(ctx);
  const meter = new RateMeter(now);
  flow.routes(routes);
  apiRoutes(routes, ctx, flow, meter);

  const entity = (id: string) => {
    const w = ctx.world;
    const c =
      w.campaigns.find((x) => x.id === id) ??
      w.lineItems.find((x) => x.id === id) ??
      w.promotedTweets.find((x) => x.id === id);
    if (!c) throw new Error(`no X campaign, line item or promoted tweet with id ${id}`);
    return c;
  };
  const touch = (e: { updated_at: string }) => {
    e.updated_at = xTime(now());
  };
  const remote: RemoteControl = {
    edit: editWith(entity, touch),
    // Deleting a campaign or line item deletes what hangs below it.
    delete(id) {
      const w = ctx.world;
      softDeleteTree(entity(id), [w.lineItems, (l) => l.campaign_id], [w.promotedTweets, (t) => t.line_item_id], touch);
    },
  };
  const counts = () => {
    const w = ctx.world;
    const promotedTweets = w.promotedTweets.filter((t) => !t.deleted).length;
    return {
      accounts: w.accounts.filter((a) => !a.deleted).length,
      campaigns: w.campaigns.filter((c) => !c.deleted).length,
      lineItems: w.lineItems.filter((l) => !l.deleted).length,
      promotedTweets,
      days: w.days,
      metricRows: promotedTweets * w.days,
    };
  };
  const mintToken = (o: { accessType?: 'read' | 'write' } = {}) => flow.accessFor(o.accessType ?? 'write');
  control.add('POST', '/__sandbox/tokens', (req) => {
    const t = mintToken(req.body['accessType'] === 'read' ? { accessType: 'read' } : {});
    return json(201, {
      oauth_token: t.token,
      oauth_token_secret: t.secret,
      user_id: ctx.world.user.id,
      screen_name: ctx.world.user.screenName,
    });
  });
  control.add('POST', '/__sandbox/stats-jobs/fail', (req) => {
    const n = typeof req.body['count'] === 'number' ? req.body['count'] : 1;
    jobs.failNext(n);
    return json(200, { failing_next: n });
  });

  const running = await kit.start({
    provider: 'x',
    remote,
    reseed: () => {
      ctx.world = seedWorld(seed, size, now());
    },
    parts: [flow, meter, jobs],
    stats: () => ({ campaigns: ctx.world.campaigns.length }),
    hooks: {
      before(req) {
        const v = VERSION_PATH.exec(req.path)?.[1];
        if (v !== undefined && !versions.includes(v))
          return adsError(404, 'ROUTE_NOT_FOUND', 'The requested resource could not be found');
        return undefined;
      },
      decorate(req, res) {
        const v = VERSION_PATH.exec(req.path)?.[1];
        if (v === undefined || !versions.includes(v)) return res;
        const warn = v !== current ? { 'x-api-warn': `Version ${v} is deprecated; use version ${current}` } : {};
        return { ...res, headers: { 'x-current-api-version': current, ...warn, ...res.headers } };
      },
      faultResponse: (fault, req) => faultResponse(fault, req, now()),
      notFound: (req) => {
        if (!VERSION_PATH.test(req.path)) return v11Error(404, 34, 'Sorry, that page does not exist.');
        // A known path with another method (PUT on a promoted tweet, say) is 405, not 404.
        if (routes.hasPath(req.path))
          return adsError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on this resource`);
        return adsError(404, 'ROUTE_NOT_FOUND', 'The requested resource could not be found');
      },
    },
  });
  ctx.origins.push(running.url, `http://localhost:${running.port}`);
  ctx.baseUrl = running.url;
  return {
    ...running,
    consumerKey: config.consumerKey,
    consumerSecret: config.consumerSecret,
    version: current,
    requestTokenUrl: `${running.url}/oauth/request_token`,
    authorizeUrl: `${running.url}/oauth/authorize`,
    accessTokenUrl: `${running.url}/oauth/access_token`,
    apiUrl: `${running.url}/${current}`,
    userId: ctx.world.user.id,
    screenName: ctx.world.user.screenName,
    world: () => ctx.world,
    counts,
    mintToken,
    statsJobs: {
      list: () => jobs.all,
      failNext: (n) => jobs.failNext(n),
      setPollsToFinish: (n) => void (jobs.pollsToFinish = Math.max(1, n)),
    },
  };
}

function faultResponse(fault: ActiveFault, req: SandboxRequest, now: number): SandboxResponse {
  const api = VERSION_PATH.test(req.path);
  if (fault.kind === 'rate_limit') {
    const reset = String(
      Math.floor((now + (fault.retryAfterSeconds === undefined ? WINDOW_MS : fault.retryAfterSeconds * 1000)) / 1000),
    );
    const headers = { 'x-rate-limit-limit': '2000', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': reset };
    const res = api
      ? adsError(fault.status ?? 429, String(fault.code ?? 'TOO_MANY_REQUESTS'), 'Rate limit exceeded', req.query)
      : v11Error(fault.status ?? 429, 88, 'Rate limit exceeded');
    return { ...res, headers: { ...res.headers, ...headers } };
  }
  const status = fault.status ?? 500;
  if (status === 503) {
    const res = api
      ? adsError(
          503,
          'SERVICE_UNAVAILABLE',
          'Service unavailable due to request timeout; please try the request again later',
          req.query,
        )
      : v11Error(503, 130, 'Over capacity');
    return { ...res, headers: { ...res.headers, 'retry-after': String(fault.retryAfterSeconds ?? 30) } };
  }
  return api
    ? adsError(status, 'INTERNAL_ERROR', 'Internal error', req.query)
    : v11Error(status, 131, 'Internal error');
}

export const sandbox: Sandbox<XRunningSandbox> = { provider: 'x', start };
