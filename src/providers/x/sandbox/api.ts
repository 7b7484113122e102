/**
 * X Ads API routes behind OAuth 1.0a verification: reads (`/12/accounts`, `/12/accounts/:account_id`,
 * funding instruments, campaigns, line items and promoted tweets, listed or by id) with
 * `count`/`cursor` paging (`next_cursor` null at the end) and the `{data, next_cursor, request:
 * {params}}` envelope, plus the analytics (stats.ts, stats-jobs.ts) and writes (writes.ts)
 * modules. Every answer carries x-rate-limit-* headers (account GETs also the account-level
 * x-account-rate-limit-* ones), per the limits of ads.md §5.6.
 */
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { XContext } from './context.ts';
import { adsError, boolParam, LIMITS, paginate, WINDOW_MS, type Guard, type RouteHandler } from './envelope.ts';
import type { OAuthFlow } from './oauth.ts';
import { syncStatsRoute } from './stats.ts';
import { statsJobRoutes } from './stats-jobs.ts';
import type { Account, Campaign, LineItem, PromotedTweet } from './world.ts';
import { writeRoutes } from './writes.ts';

interface Bucket {
  used: number;
  resetAt: number;
}

/** Per-token and per-account windows: 15 minutes, a minute for writes. */
export class RateMeter {
  #buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number) {}

  take(
    key: string,
    limit: number,
    windowMs = WINDOW_MS,
  ): { limit: number; remaining: number; reset: number; exceeded: boolean } {
    const now = this.now();
    let b = this.#buckets.get(key);
    if (!b || now >= b.resetAt) {
      b = { used: 0, resetAt: now + windowMs };
      this.#buckets.set(key, b);
    }
    b.used++;
    return {
      limit,
      remaining: Math.max(0, limit - b.used),
      reset: Math.floor(b.resetAt / 1000),
      exceeded: b.used > limit,
    };
  }

  clear(): void {
    this.#buckets.clear();
  }
}

function paramsOf(req: SandboxRequest): Record<string, string> {
  return {
    ...req.query,
    ...Object.fromEntries(Object.entries(req.body).filter(([, v]) => typeof v === 'string')),
  } as Record<string, string>;
}

function sortItems<T extends object>(items: T[], sortBy: string | undefined): T[] | undefined {
  if (!sortBy) return items;
  const m = /^(created_at|updated_at|name|id)-(asc|desc)$/.exec(sortBy);
  if (!m?.[1]) return undefined;
  const key = m[1];
  const dir = m[2] === 'desc' ? -1 : 1;
  return [...items].sort((a, b) => {
    const x = String((a as Record<string, unknown>)[key]);
    const y = String((b as Record<string, unknown>)[key]);
    return x < y ? -dir : x > y ? dir : 0;
  });
}

/** Sorts and pages a filtered list into X's list envelope, each item as `present` shows it. */
function listPage<T extends object>(
  items: T[],
  p: Record<string, string>,
  echo: Record<string, unknown>,
  present: (x: T) => unknown,
): SandboxResponse {
  const sorted = sortItems(items, p['sort_by']);
  if (!sorted)
    return adsError(400, 'INVALID_PARAMETER', `Invalid sort_by "${p['sort_by']}"`, echo, { parameter: 'sort_by' });
  const pg = paginate(sorted, p, echo);
  if (!pg.ok) return pg.res;
  return json(200, {
    request: { params: echo },
    ...(p['with_total_count'] === 'true' ? { total_count: pg.total } : {}),
    next_cursor: pg.next,
    data: (pg.page as T[]).map(present),
  });
}

function publicAccount(a: Account): Record<string, unknown> {
  const { currency: _c, ...rest } = a;
  return rest;
}

export function apiRoutes(r: Router, ctx: XContext, flow: OAuthFlow, meter: RateMeter): void {
  /** Verify, meter, then run; the headers go on every answer, errors included. */
  const guarded: Guard = (family, endpoint, handler) => (req) => {
    const p = paramsOf(req);
    const v = flow.check(req, flow.accessSecret);
    if (!v.ok) return adsError(401, 'UNAUTHORIZED_ACCESS', 'This request is not properly authenticated', p);
    const token = v.signed.oauth['oauth_token'] ?? '';
    const { limit, windowMs } = LIMITS[family];
    // Writes share one per-minute category; reads are counted per endpoint.
    const userRate = meter.take(
      family === 'writes' || family === 'statsJobs' ? `${token}|writes` : `${token}|${req.method}|${endpoint}`,
      limit,
      windowMs,
    );
    const headers: Record<string, string> = {
      'x-rate-limit-limit': String(userRate.limit),
      'x-rate-limit-remaining': String(userRate.remaining),
      'x-rate-limit-reset': String(userRate.reset),
    };
    let account: Account | undefined;
    let exceeded = userRate.exceeded;
    const accountId = req.params['account_id'];
    if (accountId !== undefined) {
      account = ctx.world.accounts.find((a) => a.id === accountId);
      if (!account)
        return withHeaders(
          adsError(404, 'NOT_FOUND', `Account ${accountId} was not found`, { ...p, account_id: accountId }),
          headers,
        );
      if (req.method === 'GET') {
        const acct = meter.take(`account|${accountId}|${endpoint}`, limit, windowMs);
        headers['x-account-rate-limit-limit'] = String(acct.limit);
        headers['x-account-rate-limit-remaining'] = String(acct.remaining);
        headers['x-account-rate-limit-reset'] = String(acct.reset);
        exceeded ||= acct.exceeded;
      }
    }
    if (exceeded && ctx.config.enforceRateLimits)
      return withHeaders(adsError(429, 'TOO_MANY_REQUESTS', 'Rate limit exceeded', p), headers);
    if (family === 'writes' && !ctx.tokens.validate(token).record?.scopes.includes('write')) {
      // A token authorized with x_auth_access_type=read cannot change anything.
      return withHeaders(
        adsError(403, 'READONLY_CLIENT_APPLICATION', 'This application was authorized for read-only access', {
          ...p,
          account_id: accountId,
        }),
        headers,
      );
    }
    return withHeaders(handler(req, p, account), headers);
  };

  r.add(
    'GET',
    '/:version/accounts',
    guarded('globalReads', 'accounts', (_req, p) => {
      const ids = p['account_ids']?.split(',');
      const withDeleted = boolParam(p, 'with_deleted');
      if (withDeleted === 'invalid')
        return adsError(400, 'INVALID_PARAMETER', `Expected boolean, got "${p['with_deleted']}" for with_deleted`, p, {
          parameter: 'with_deleted',
        });
      const filtered = ctx.world.accounts.filter(
        (a) => (!ids || ids.includes(a.id)) && (withDeleted === true || !a.deleted),
      );
      return listPage(filtered, p, p, publicAccount);
    }),
  );

  entityRoutes(r, ctx, guarded);
  syncStatsRoute(r, ctx, guarded);
  statsJobRoutes(r, ctx, guarded);
  writeRoutes(r, ctx, guarded);

  r.add(
    'GET',
    '/:version/accounts/:account_id',
    guarded('accountReads', 'account', (_req, p, account) =>
      json(200, {
        request: { params: { ...p, account_id: account?.id } },
        data: account ? publicAccount(account) : null,
      }),
    ),
  );
}

export function entityRoutes(r: Router, ctx: XContext, guarded: Guard): void {
  const guard = (endpoint: string, h: RouteHandler) => guarded('accountReads', endpoint, h);
  const lister = <T extends { id: string; account_id: string; deleted: boolean }>(
    endpoint: string,
    idsParam: string,
    items: () => T[],
    draft: (x: T) => boolean,
  ) =>
    guard(endpoint, (_req, p, account) => {
      const echo = { ...p, account_id: account?.id };
      const ids = p[idsParam]?.split(',');
      if (ids && ids.length > 200)
        return adsError(400, 'INVALID_PARAMETER', `Expected at most 200 ${idsParam}`, echo, { parameter: idsParam });
      const withDeleted = boolParam(p, 'with_deleted');
      const withDraft = boolParam(p, 'with_draft');
      if (withDeleted === 'invalid' || withDraft === 'invalid')
        return adsError(400, 'INVALID_PARAMETER', 'Expected boolean for with_deleted / with_draft', echo);
      const parents = Object.entries(p)
        .filter(([k]) => k === 'campaign_ids' || k === 'line_item_ids')
        .filter(([k]) => k !== idsParam);
      const filtered = items().filter(
        (x) =>
          x.account_id === account?.id &&
          (!ids || ids.includes(x.id)) &&
          parents.every(([k, v]) =>
            v
              .split(',')
              .includes(String((x as Record<string, unknown>)[k === 'campaign_ids' ? 'campaign_id' : 'line_item_id'])),
          ) &&
          (withDeleted === true || !x.deleted || (ids?.includes(x.id) ?? false)) &&
          (withDraft === true || !draft(x)),
      );
      return listPage(filtered, p, echo, ({ account_id: _a, ...x }) => x);
    });

  r.add(
    'GET',
    '/:version/accounts/:account_id/funding_instruments',
    guard('funding_instruments', (_req, p, account) => {
      const id = ctx.world.instruments.get(account?.id ?? '');
      const data = (id ? [id] : []).map((id) => ({
        id,
        account_id: account?.id,
        type: 'CREDIT_CARD',
        currency: account?.currency,
        entity_status: 'ACTIVE',
        description: 'Visa ending in 4242',
        able_to_fund: true,
        deleted: false,
      }));
      return json(200, { request: { params: { ...p, account_id: account?.id } }, next_cursor: null, data });
    }),
  );
  /** One entity by id; deleted ones only with with_deleted=true (ads.md §5.3: otherwise 404). */
  const single = <T extends { id: string; account_id: string; deleted: boolean }>(
    endpoint: string,
    param: string,
    kind: string,
    items: () => T[],
  ) =>
    guard(endpoint, (req, p, account) => {
      const id = req.params[param] ?? '';
      const echo = { ...p, account_id: account?.id, [param]: id };
      const withDeleted = boolParam(p, 'with_deleted');
      if (withDeleted === 'invalid')
        return adsError(
          400,
          'INVALID_PARAMETER',
          `Expected boolean, got "${p['with_deleted']}" for with_deleted`,
          echo,
          { parameter: 'with_deleted' },
        );
      const x = items().find(
        (e) => e.id === id && e.account_id === account?.id && (withDeleted === true || !e.deleted),
      );
      if (!x) return adsError(404, 'NOT_FOUND', `${kind} ${id} was not found for Account ${account?.id ?? ''}`, echo);
      const { account_id: _a, ...rest } = x;
      return json(200, { request: { params: echo }, data: rest });
    });

  /** One level of the entity tree: its list and its entities one by one, both under the account. */
  const level = <T extends { id: string; account_id: string; deleted: boolean }>(
    resource: string,
    idParam: string,
    kind: string,
    items: () => T[],
    draft: (x: T) => boolean,
  ): void => {
    r.add('GET', `/:version/accounts/:account_id/${resource}`, lister(resource, `${idParam}s`, items, draft));
    r.add('GET', `/:version/accounts/:account_id/${resource}/:${idParam}`, single(resource, idParam, kind, items));
  };
  const isDraft = (x: { entity_status: string }) => x.entity_status === 'DRAFT';
  level<Campaign>('campaigns', 'campaign_id', 'Campaign', () => ctx.world.campaigns, isDraft);
  level<LineItem>('line_items', 'line_item_id', 'Line Item', () => ctx.world.lineItems, isDraft);
  level<PromotedTweet>(
    'promoted_tweets',
    'promoted_tweet_id',
    'Promoted Tweet',
    () => ctx.world.promotedTweets,
    () => false,
  );
}

function withHeaders(res: SandboxResponse, headers: Record<string, string>): SandboxResponse {
  return { ...res, headers: { ...headers, ...res.headers } };
}
