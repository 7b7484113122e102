/**
 * Ads API v1 reads (writes are in writes.ts): `/v1/me`, `/v1/me/organizations`, `/v1/organizations/{id}`,
 * `/v1/organizations/{id}/adaccounts`, `/v1/adaccounts/{id}`, campaigns, ad squads and ads (per
 * account and per parent, and by id) and `/v1/{adaccounts|campaigns|adsquads|ads}/{id}/stats`
 * (stats.ts), in Snapchat's envelope (arrays of `{sub_request_status, <entity>}`) with `limit` (50–1000)
 * paging through `paging.next_link`, and the 401 + WWW-Authenticate answer for bad tokens.
 */
import { header, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import { snapError, success, type SnapContext } from './context.ts';
import { statsRoutes } from './stats.ts';
import { writeRoutes } from './writes.ts';
import { snapTime, type Ad, type AdAccount, type AdSquad, type Campaign, type Organization } from './world.ts';

export function authenticate(ctx: SnapContext, req: SandboxRequest): SandboxResponse | undefined {
  const token = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
  if (!token) return snapError(401, 'Unauthorized', { 'www-authenticate': 'Bearer realm="Snapchat"' });
  const check = ctx.tokens.validate(token);
  if (check.ok) return undefined;
  const description = check.problem === 'expired' ? 'The access token expired' : 'The access token is invalid';
  return snapError(401, 'Unauthorized', {
    'www-authenticate': `Bearer error="invalid_token", error_description="${description}"`,
  });
}

type Paged<T> = { ok: true; items: T[]; paging?: { next_link: string } } | { ok: false; res: SandboxResponse };

/** Without `limit` everything comes back at once; with it, pages ordered by created time. */
function page<T extends { id: string; created_at: string }>(ctx: SnapContext, req: SandboxRequest, all: T[]): Paged<T> {
  const raw = req.query['limit'];
  if (raw === undefined) return { ok: true, items: all };
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 50 || limit > 1000)
    return { ok: false, res: snapError(400, `Invalid limit ${raw}: limit must be between 50 and 1000`) };
  const sorted = [...all].sort((a, b) =>
    a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id.localeCompare(b.id),
  );
  let offset = 0;
  const cursor = req.query['cursor'];
  if (cursor !== undefined) {
    const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
    const idx = sorted.findIndex((x) => `${x.created_at}|${x.id}` === decoded);
    if (idx < 0) return { ok: false, res: snapError(400, 'Invalid cursor') };
    offset = idx;
  }
  const items = sorted.slice(offset, offset + limit);
  const nextItem = sorted[offset + limit];
  if (!nextItem) return { ok: true, items };
  const next = new URL(req.path, ctx.baseUrl);
  for (const [k, v] of Object.entries(req.query)) if (k !== 'cursor') next.searchParams.set(k, v);
  next.searchParams.set('cursor', Buffer.from(`${nextItem.created_at}|${nextItem.id}`).toString('base64url'));
  next.searchParams.set('limit', String(limit));
  return { ok: true, items, paging: { next_link: next.toString() } };
}

function wrap(key: string, entity: object): Record<string, unknown> {
  return { sub_request_status: 'SUCCESS', [key]: entity };
}

export function apiRoutes(r: Router, ctx: SnapContext): void {
  const guard =
    (handler: (req: SandboxRequest) => SandboxResponse) =>
    (req: SandboxRequest): SandboxResponse =>
      authenticate(ctx, req) ?? handler(req);
  const org = (id: string | undefined): Organization | undefined => ctx.world.organizations.find((o) => o.id === id);
  const account = (id: string | undefined): AdAccount | undefined => ctx.world.accounts.find((a) => a.id === id);
  const orgJson = (o: Organization, withAccounts: boolean): Record<string, unknown> => ({
    ...o,
    ...(withAccounts ? { ad_accounts: ctx.world.accounts.filter((a) => a.organization_id === o.id) } : {}),
  });
  const campaignJson = (c: Campaign): object => c;

  r.add(
    'GET',
    '/v1/me',
    guard(() => success({ me: ctx.world.me })),
  );

  r.add(
    'GET',
    '/v1/me/organizations',
    guard((req) => {
      const withAccounts = req.query['with_ad_accounts'] === 'true';
      return success({
        organizations: ctx.world.organizations.map((o) => wrap('organization', orgJson(o, withAccounts))),
      });
    }),
  );

  const withDeleted = (req: SandboxRequest) => req.query['read_deleted_entities'] === 'true';
  const visible = <T extends { deleted?: boolean }>(req: SandboxRequest, items: T[]): T[] =>
    items.filter((x) => withDeleted(req) || !x.deleted);
  /** The entity the path's `:id` names; a deleted one only with read_deleted_entities=true. */
  const live =
    <T extends { id: string; deleted?: boolean }>(items: () => T[]) =>
    (id: string | undefined, req: SandboxRequest): T | undefined =>
      visible(req, items()).find((x) => x.id === id);
  const campaignById = live(() => ctx.world.campaigns);
  const squadById = live(() => ctx.world.adsquads);
  const adById = live(() => ctx.world.ads);
  /** A read under the entity the path's `:id` names; Snapchat's 404 names its kind. */
  const under =
    <T>(label: string, find: (id: string | undefined, req: SandboxRequest) => T | undefined) =>
    (handle: (e: T, req: SandboxRequest) => SandboxResponse) =>
      guard((req) => {
        const e = find(req.params['id'], req);
        return e ? handle(e, req) : snapError(404, `${label} ${req.params['id'] ?? ''} not found`);
      });
  const underOrg = under('Organization', org);
  const underAccount = under('Ad account', account);
  const underCampaign = under('Campaign', campaignById);
  const underSquad = under('Ad squad', squadById);
  const squadsOf = (campaignIds: Set<string>): AdSquad[] =>
    ctx.world.adsquads.filter((q) => campaignIds.has(q.campaign_id));
  const adsOf = (squadIds: Set<string>): Ad[] => ctx.world.ads.filter((x) => squadIds.has(x.ad_squad_id));
  const campaignIdsOf = (accountId: string) =>
    new Set(ctx.world.campaigns.filter((c) => c.ad_account_id === accountId).map((c) => c.id));
  const list = <T extends { id: string; created_at: string; deleted?: boolean }>(
    req: SandboxRequest,
    key: string,
    one: string,
    items: T[],
    render: (x: T) => object = (x) => x,
  ): SandboxResponse => {
    const p = page(ctx, req, items);
    if (!p.ok) return p.res;
    return success({ ...(p.paging ? { paging: p.paging } : {}), [key]: p.items.map((x) => wrap(one, render(x))) });
  };

  r.add(
    'GET',
    '/v1/organizations/:id',
    underOrg((o, req) =>
      success({ organizations: [wrap('organization', orgJson(o, req.query['with_ad_accounts'] === 'true'))] }),
    ),
  );
  r.add(
    'GET',
    '/v1/organizations/:id/adaccounts',
    underOrg((o, req) =>
      list(
        req,
        'adaccounts',
        'adaccount',
        ctx.world.accounts.filter((a) => a.organization_id === o.id),
      ),
    ),
  );
  r.add(
    'GET',
    '/v1/adaccounts/:id',
    underAccount((a) => success({ adaccounts: [wrap('adaccount', a)] })),
  );
  r.add(
    'GET',
    '/v1/adaccounts/:id/campaigns',
    underAccount((a, req) =>
      list(
        req,
        'campaigns',
        'campaign',
        visible(
          req,
          ctx.world.campaigns.filter((c) => c.ad_account_id === a.id),
        ),
        campaignJson,
      ),
    ),
  );
  r.add(
    'GET',
    '/v1/campaigns/:id',
    underCampaign((c) => success({ campaigns: [wrap('campaign', campaignJson(c))] })),
  );
  r.add(
    'GET',
    '/v1/adaccounts/:id/adsquads',
    underAccount((a, req) => list(req, 'adsquads', 'adsquad', visible(req, squadsOf(campaignIdsOf(a.id))))),
  );
  r.add(
    'GET',
    '/v1/campaigns/:id/adsquads',
    underCampaign((c, req) => list(req, 'adsquads', 'adsquad', visible(req, squadsOf(new Set([c.id]))))),
  );
  r.add(
    'GET',
    '/v1/adsquads/:id',
    underSquad((q) => success({ adsquads: [wrap('adsquad', q)] })),
  );
  r.add(
    'GET',
    '/v1/adaccounts/:id/ads',
    underAccount((a, req) => {
      const squads = new Set(squadsOf(campaignIdsOf(a.id)).map((q) => q.id));
      return list(req, 'ads', 'ad', visible(req, adsOf(squads)));
    }),
  );
  r.add(
    'GET',
    '/v1/adsquads/:id/ads',
    underSquad((q, req) => list(req, 'ads', 'ad', visible(req, adsOf(new Set([q.id]))))),
  );
  r.add(
    'GET',
    '/v1/ads/:id',
    under('Ad', adById)((x) => success({ ads: [wrap('ad', x)] })),
  );

  statsRoutes(r, ctx, guard);
  writeRoutes(r, ctx, guard);
}

export function touch(c: { updated_at: string }, now: number): void {
  c.updated_at = snapTime(now);
}
