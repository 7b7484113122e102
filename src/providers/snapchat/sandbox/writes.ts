/**
 * Snapchat Ads API writes (ads.md §6.3): `POST /v1/adaccounts/{id}/campaigns` creates and `PUT`
 * on the same path updates, each with `{campaigns: [{…}]}` (at most 30; an update sends the
 * whole entity with its `id`, and optional fields left out are cleared); `DELETE
 * /v1/campaigns/{id}`; ad squads and ads are updated with PUT on `/v1/campaigns/{id}/adsquads`
 * and `/v1/adsquads/{id}/ads`. Answers wrap each entity in `{sub_request_status, <entity>}`; a
 * refused entity carries `sub_request_error_reason: "Error code: E…, message: …"`.
 *
 * Only E2023 (immutable field changed) is a documented code; the others are the sandbox's own.
 * Whether a request with some refused entities applies the rest is not documented: here the
 * valid ones are applied, the request is `PARTIAL` (200), and `ERROR` (400) when none passed.
 */
import { randomUUID } from 'node:crypto';
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import { requestId, snapError, success, type Guard, type SnapContext } from './context.ts';
import { snapTime, type Ad, type AdSquad, type Campaign, type SnapWorld } from './world.ts';

const MAX_PER_REQUEST = 30;
const NAME_MAX = 375;
/** A campaign's smallest daily budget: $20, as third parties report it (ads.md §6.3, unconfirmed). */
export const MIN_CAMPAIGN_DAILY_MICRO = 20_000_000;
const STATUSES = ['ACTIVE', 'PAUSED'];
const OBJECTIVES = [
  'BRAND_AWARENESS',
  'APP_CONVERSION',
  'APP_INSTALL',
  'CATALOG_SALES',
  'ENGAGEMENT',
  'LEAD_GENERATION',
  'VIDEO_VIEW',
  'WEB_CONVERSION',
  'PROMOTE_STORIES',
  'PROMOTE_PLACES',
];

type Item = Record<string, unknown>;

class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function refuse(code: string, message: string): never {
  throw new Refusal(code, message);
}

function text(item: Item, field: string, required: boolean, max = Infinity): string | undefined {
  const v = item[field];
  if (v === undefined || v === null) return required ? refuse('E1001', `Missing required field ${field}`) : undefined;
  if (typeof v !== 'string' || v.trim() === '') return refuse('E1002', `Invalid ${field}: expected a non-empty string`);
  if (v.length > max) return refuse('E1002', `Invalid ${field}: at most ${max} characters`);
  return v;
}

function oneOf(item: Item, field: string, allowed: readonly string[], required: boolean): string | undefined {
  const v = text(item, field, required);
  if (v !== undefined && !allowed.includes(v))
    refuse('E1002', `Invalid ${field} ${v}: expected one of ${allowed.join(', ')}`);
  return v;
}

function time(item: Item, field: string, required: boolean): string | undefined {
  const v = text(item, field, required);
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(ms)) refuse('E1002', `Invalid ${field} ${v}: expected ISO 8601`);
  return snapTime(ms);
}

function micro(item: Item, field: string, min: number): number | undefined {
  const v = item[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0)
    return refuse('E1002', `Invalid ${field}: expected a positive integer in micro-currency`);
  if (v < min) refuse('E2003', `${field} ${v} is below the minimum of ${min}`);
  return v;
}

function schedule(start: string | undefined, end: string | undefined): void {
  if (start && end && Date.parse(end) <= Date.parse(start))
    refuse('E2002', `end_time ${end} must be after start_time ${start}`);
}

function immutable(item: Item, field: string, current: string): void {
  if (item[field] !== undefined && item[field] !== current) refuse('E2023', `Field ${field} cannot be changed`);
}

/** Writable optional fields an update may clear by leaving them out. */
/** A PUT replaces the whole entity: optional fields it leaves out are cleared. */
function replaceOptional<T extends object>(e: T, optional: Record<string, unknown>): T {
  for (const [field, v] of Object.entries(optional)) {
    if (v === undefined) delete (e as Record<string, unknown>)[field];
    else (e as Record<string, unknown>)[field] = v;
  }
  return e;
}

/**
 * The live entity an update names among its parent's children. The link to the parent cannot
 * change; where it is `required` the item must also restate it.
 */
function childOf<C extends { id: string; deleted?: boolean }, K extends keyof C & string>(
  item: Item,
  children: readonly C[],
  link: K,
  parent: { id: string },
  nouns: { child: string; parent: string },
  required: boolean,
): C {
  const id = text(item, 'id', true);
  const child =
    children.find((x) => x.id === id && x[link] === parent.id && !x.deleted) ??
    refuse('E1003', `${nouns.child} ${id} not found in ${nouns.parent} ${parent.id}`);
  if (required) text(item, link, true);
  immutable(item, link, String(child[link]));
  return child;
}

export function writeRoutes(r: Router, ctx: SnapContext, guard: Guard): void {
  const w = () => ctx.world;
  const now = () => snapTime(ctx.now());

  /** Runs `h` on the live entity the path's `:id` names; 404 when there is none. */
  const onPathEntity = <K extends 'accounts' | 'campaigns' | 'adsquads'>(
    list: K,
    noun: string,
    h: (req: SandboxRequest, e: SnapWorld[K][number]) => SandboxResponse,
  ) =>
    guard((req) => {
      const entities: readonly (SnapWorld[K][number] & { deleted?: boolean })[] = w()[list];
      const e = entities.find((x) => x.id === req.params['id'] && !x.deleted);
      return e ? h(req, e) : snapError(404, `${noun} ${req.params['id'] ?? ''} not found`);
    });

  /** Parses `{<key>: [...]}`, runs `apply` per entity (it throws a Refusal to refuse one) and wraps the answers. */
  const bulk = <T>(req: SandboxRequest, key: string, one: string, apply: (item: Item) => () => T): SandboxResponse => {
    if (req.bodyError) return snapError(400, 'Request body is not valid JSON');
    const items = req.body[key];
    if (!Array.isArray(items) || items.length === 0)
      return snapError(400, `Request body must hold a non-empty "${key}" array`);
    if (items.length > MAX_PER_REQUEST) return snapError(400, `At most ${MAX_PER_REQUEST} ${key} per request`);
    // Every entity is checked before any is applied, so a refusal leaves nothing half-done.
    const checked = items.map((item: unknown) => {
      try {
        if (!item || typeof item !== 'object' || Array.isArray(item))
          refuse('E1002', `Each entry of ${key} must be an object`);
        return { commit: apply(item as Item) };
      } catch (e) {
        if (e instanceof Refusal) return { refusal: e };
        throw e;
      }
    });
    const results = checked.map((c) =>
      c.commit
        ? { sub_request_status: 'SUCCESS', [one]: c.commit() }
        : {
            sub_request_status: 'ERROR',
            sub_request_error_reason: `Error code: ${c.refusal?.code}, message: ${c.refusal?.message}`,
          },
    );
    const failed = checked.filter((c) => c.refusal).length;
    if (failed === 0) return success({ [key]: results });
    return json(failed === items.length ? 400 : 200, {
      request_status: failed === items.length ? 'ERROR' : 'PARTIAL',
      request_id: requestId(),
      [key]: results,
    });
  };

  r.add(
    'POST',
    '/v1/adaccounts/:id/campaigns',
    onPathEntity('accounts', 'Ad account', (req, account) => {
      return bulk<Campaign>(req, 'campaigns', 'campaign', (item) => {
        const adAccount = text(item, 'ad_account_id', true);
        if (adAccount !== account.id)
          refuse('E1002', `ad_account_id ${adAccount} does not match the ad account in the path`);
        const name = text(item, 'name', true, NAME_MAX) ?? '';
        const status = oneOf(item, 'status', STATUSES, true) as Campaign['status'];
        const start = time(item, 'start_time', true) ?? '';
        const end = time(item, 'end_time', false);
        schedule(start, end);
        const daily = micro(item, 'daily_budget_micro', MIN_CAMPAIGN_DAILY_MICRO);
        const cap = micro(item, 'lifetime_spend_cap_micro', 1);
        const objective = oneOf(item, 'objective', OBJECTIVES, false) ?? 'BRAND_AWARENESS';
        const buyModel = oneOf(item, 'buy_model', ['AUCTION', 'RESERVED'], false) ?? 'AUCTION';
        return () => {
          const c: Campaign = {
            id: randomUUID(),
            ad_account_id: account.id,
            name,
            status,
            objective,
            start_time: start,
            ...(end ? { end_time: end } : {}),
            ...(daily !== undefined ? { daily_budget_micro: daily } : {}),
            ...(cap !== undefined ? { lifetime_spend_cap_micro: cap } : {}),
            buy_model: buyModel,
            delivery_status: ['VALID'],
            creation_state: 'PUBLISHED',
            created_at: now(),
            updated_at: now(),
          };
          w().campaigns.push(c);
          return c;
        };
      });
    }),
  );

  r.add(
    'PUT',
    '/v1/adaccounts/:id/campaigns',
    onPathEntity('accounts', 'Ad account', (req, account) => {
      return bulk<Campaign>(req, 'campaigns', 'campaign', (item) => {
        const nouns = { child: 'Campaign', parent: 'ad account' };
        const c = childOf(item, w().campaigns, 'ad_account_id', account, nouns, false);
        const name = text(item, 'name', true, NAME_MAX);
        const status = oneOf(item, 'status', STATUSES, true) as Campaign['status'];
        const start = time(item, 'start_time', true);
        const end = time(item, 'end_time', false);
        schedule(start, end);
        const daily = micro(item, 'daily_budget_micro', MIN_CAMPAIGN_DAILY_MICRO);
        const cap = micro(item, 'lifetime_spend_cap_micro', 1);
        const objective = oneOf(item, 'objective', OBJECTIVES, false);
        return () => {
          Object.assign(c, {
            name,
            status,
            start_time: start,
            ...(objective ? { objective } : {}),
            updated_at: now(),
          });
          return replaceOptional(c, { end_time: end, daily_budget_micro: daily, lifetime_spend_cap_micro: cap });
        };
      });
    }),
  );

  r.add(
    'DELETE',
    '/v1/campaigns/:id',
    onPathEntity('campaigns', 'Campaign', (req, c) => {
      // The campaign's ad squads and ads go with it.
      const squads = w().adsquads.filter((q) => q.campaign_id === c.id);
      const ids = new Set(squads.map((q) => q.id));
      for (const e of [c, ...squads, ...w().ads.filter((a) => ids.has(a.ad_squad_id))]) {
        if (e.deleted) continue;
        e.deleted = true;
        e.updated_at = now();
      }
      return success({ campaigns: [{ sub_request_status: 'SUCCESS', campaign: c }] });
    }),
  );

  r.add(
    'PUT',
    '/v1/campaigns/:id/adsquads',
    onPathEntity('campaigns', 'Campaign', (req, campaign) => {
      return bulk<AdSquad>(req, 'adsquads', 'adsquad', (item) => {
        const q = childOf(item, w().adsquads, 'campaign_id', campaign, { child: 'Ad squad', parent: 'campaign' }, true);
        text(item, 'type', true);
        const name = text(item, 'name', true, NAME_MAX);
        const status = oneOf(item, 'status', STATUSES, true) as AdSquad['status'];
        const start = time(item, 'start_time', false) ?? q.start_time;
        const end = time(item, 'end_time', false);
        schedule(start, end);
        const daily = micro(item, 'daily_budget_micro', 1);
        const lifetime = micro(item, 'lifetime_budget_micro', 1);
        return () => {
          Object.assign(q, { name, status, start_time: start, updated_at: now() });
          return replaceOptional(q, { end_time: end, daily_budget_micro: daily, lifetime_budget_micro: lifetime });
        };
      });
    }),
  );

  r.add(
    'PUT',
    '/v1/adsquads/:id/ads',
    onPathEntity('adsquads', 'Ad squad', (req, squad) => {
      return bulk<Ad>(req, 'ads', 'ad', (item) => {
        const ad = childOf(item, w().ads, 'ad_squad_id', squad, { child: 'Ad', parent: 'ad squad' }, true);
        const creative = text(item, 'creative_id', true);
        text(item, 'type', true);
        const name = text(item, 'name', true, NAME_MAX);
        const status = oneOf(item, 'status', STATUSES, true) as Ad['status'];
        return () => Object.assign(ad, { name, status, creative_id: creative, updated_at: now() });
      });
    }),
  );
}
