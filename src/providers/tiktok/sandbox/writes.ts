/**
 * Marketing API writes (ads.md §3.3): `campaign/create/`, `campaign/update/` and the status
 * endpoints of campaigns, ad groups and ads (`operation_status` ENABLE | DISABLE | DELETE, up to
 * 20 ids). JSON bodies name the `advertiser_id`; every answer keeps the HTTP-200 envelope.
 * A status change flows down the tree: ad groups and ads under a disabled campaign read
 * `*_CAMPAIGN_DISABLE`, under a deleted one `*_CAMPAIGN_DELETE`, while their own
 * `operation_status` stays as it was. Deleted objects can no longer change.
 */
import { randomInt } from 'node:crypto';
import type { Router, SandboxRequest, SandboxResponse } from '../../../sandbox/kit/server.ts';
import { CAMPAIGN_FIELDS, pick } from './api.ts';
import { checkBudget, checkMode, checkName, checkObjective, firstFailure, type Rule } from './campaign-rules.ts';
import type { TikTokContext } from './context.ts';
import { ok, reply } from './envelope.ts';
import { authenticate, requireJson } from './oauth.ts';
import { tiktokTime, type Ad, type AdGroup, type Advertiser, type Campaign, type TikTokWorld } from './world.ts';
import { text } from '../../../sandbox/kit/text.ts';

const OPERATIONS = ['ENABLE', 'DISABLE', 'DELETE'];
const MAX_IDS = 20;
const OK: Rule = { ok: true };

type Prelude = { ok: true; adv: Advertiser } | { ok: false; res: SandboxResponse };

/** Token, JSON body and the advertiser the token may operate. */
function prelude(ctx: TikTokContext, req: SandboxRequest): Prelude {
  const auth = authenticate(ctx, req);
  if (!auth.ok) return auth;
  const notJson = requireJson(ctx, req);
  if (notJson) return { ok: false, res: notJson };
  const raw = req.body['advertiser_id'];
  const id = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : '';
  if (!id) return { ok: false, res: reply(ctx.now(), 40002, 'advertiser_id: Missing data for required field.') };
  const adv = ctx.world.advertisers.find((a) => a.advertiser_id === id);
  if (!adv || !auth.advertiserIds.includes(id))
    return { ok: false, res: reply(ctx.now(), 40001, `No permission to operate advertiser ${id}.`) };
  return { ok: true, adv };
}

const deleted = (secondary: string) => /_DELETE$/.test(secondary);

function groupSecondary(g: AdGroup, c: Campaign | undefined): string {
  if (g.secondary_status === 'ADGROUP_STATUS_DELETE') return g.secondary_status;
  if (c && deleted(c.secondary_status)) return 'ADGROUP_STATUS_CAMPAIGN_DELETE';
  if (g.operation_status === 'DISABLE') return 'ADGROUP_STATUS_DISABLE';
  if (c?.operation_status === 'DISABLE') return 'ADGROUP_STATUS_CAMPAIGN_DISABLE';
  return 'ADGROUP_STATUS_DELIVERY_OK';
}

function adSecondary(a: Ad, g: AdGroup | undefined, c: Campaign | undefined): string {
  if (a.secondary_status === 'AD_STATUS_DELETE') return a.secondary_status;
  if (c && deleted(c.secondary_status)) return 'AD_STATUS_CAMPAIGN_DELETE';
  if (g && deleted(g.secondary_status)) return 'AD_STATUS_ADGROUP_DELETE';
  if (a.operation_status === 'DISABLE') return 'AD_STATUS_DISABLE';
  if (c?.operation_status === 'DISABLE') return 'AD_STATUS_CAMPAIGN_DISABLE';
  if (g?.operation_status === 'DISABLE') return 'AD_STATUS_ADGROUP_DISABLE';
  // An enabled ad still in (or refused by) review keeps saying so.
  if (/AUDIT/.test(a.secondary_status)) return a.secondary_status;
  return 'AD_STATUS_DELIVERY_OK';
}

/** Re-derives the secondary status of everything under the changed campaigns and ad groups. */
function cascade(w: TikTokWorld, campaignIds: Set<string>, adgroupIds: Set<string>): void {
  const campaigns = new Map(w.campaigns.map((c) => [c.campaign_id, c]));
  const groups = new Map(w.adgroups.map((g) => [g.adgroup_id, g]));
  for (const g of w.adgroups)
    if (campaignIds.has(g.campaign_id)) g.secondary_status = groupSecondary(g, campaigns.get(g.campaign_id));
  for (const a of w.ads) {
    if (campaignIds.has(a.campaign_id) || adgroupIds.has(a.adgroup_id))
      a.secondary_status = adSecondary(a, groups.get(a.adgroup_id), campaigns.get(a.campaign_id));
  }
}

interface Kind<T> {
  idsKey: string;
  noun: string;
  prefix: 'CAMPAIGN' | 'ADGROUP' | 'AD';
  list(w: TikTokWorld): T[];
  id(x: T): string;
}

/** The ids list is named after the prefix, as TikTok names it (`campaign_ids`, `adgroup_ids`, `ad_ids`). */
function kind<T>(prefix: Kind<T>['prefix'], noun: string, list: Kind<T>['list'], id: Kind<T>['id']): Kind<T> {
  return { idsKey: `${prefix.toLowerCase()}_ids`, noun, prefix, list, id };
}

const CAMPAIGNS = kind<Campaign>(
  'CAMPAIGN',
  'Campaign',
  (w) => w.campaigns,
  (c) => c.campaign_id,
);
const ADGROUPS = kind<AdGroup>(
  'ADGROUP',
  'Ad group',
  (w) => w.adgroups,
  (g) => g.adgroup_id,
);
const ADS = kind<Ad>(
  'AD',
  'Ad',
  (w) => w.ads,
  (a) => a.ad_id,
);

function statusUpdate<T extends Campaign | AdGroup | Ad>(
  ctx: TikTokContext,
  req: SandboxRequest,
  kind: Kind<T>,
): SandboxResponse {
  const pre = prelude(ctx, req);
  if (!pre.ok) return pre.res;
  const now = ctx.now();
  const raw = req.body[kind.idsKey];
  if (!Array.isArray(raw) || raw.length === 0)
    return reply(now, 40002, `${kind.idsKey}: Missing data for required field.`);
  if (raw.length > MAX_IDS) return reply(now, 40011, `${kind.idsKey}: At most ${MAX_IDS} ids are allowed per request.`);
  const op = req.body['operation_status'];
  if (typeof op !== 'string' || !OPERATIONS.includes(op))
    return reply(now, 40002, `operation_status: Must be one of: ${OPERATIONS.join(', ')}.`);
  const ids = raw.map(String);
  const targets: T[] = [];
  for (const id of ids) {
    const x = kind.list(ctx.world).find((e) => kind.id(e) === id && e.advertiser_id === pre.adv.advertiser_id);
    if (!x) return reply(now, 40007, `${kind.noun} ${id} does not exist.`);
    if (deleted(x.secondary_status))
      return reply(now, 40002, `${kind.noun} ${id} has been deleted and its status can no longer be changed.`);
    targets.push(x);
  }
  const w = ctx.world;
  for (const x of targets) {
    x.operation_status = op === 'ENABLE' ? 'ENABLE' : 'DISABLE';
    x.modify_time = tiktokTime(now);
    if (op === 'DELETE') x.secondary_status = `${kind.prefix}_STATUS_DELETE`;
    else if (kind.prefix === 'CAMPAIGN') x.secondary_status = `CAMPAIGN_STATUS_${op}`;
    else if (kind.prefix === 'ADGROUP')
      x.secondary_status = groupSecondary(
        x as AdGroup,
        w.campaigns.find((c) => c.campaign_id === x.campaign_id),
      );
    else {
      const a = x as Ad;
      a.secondary_status = adSecondary(
        a,
        w.adgroups.find((g) => g.adgroup_id === a.adgroup_id),
        w.campaigns.find((c) => c.campaign_id === a.campaign_id),
      );
    }
  }
  cascade(w, new Set(kind.prefix === 'CAMPAIGN' ? ids : []), new Set(kind.prefix === 'ADGROUP' ? ids : []));
  return ok(now, { [kind.idsKey]: ids, status: op });
}

function newCampaignId(w: TikTokWorld): string {
  let id = '';
  do id = `18${Array.from({ length: 17 }, () => randomInt(10)).join('')}`;
  while (w.campaigns.some((c) => c.campaign_id === id));
  return id;
}

const operationRule = (v: unknown): Rule =>
  v === undefined || v === 'ENABLE' || v === 'DISABLE'
    ? OK
    : { ok: false, message: 'operation_status: Must be one of: ENABLE, DISABLE.' };

export function writeRoutes(r: Router, ctx: TikTokContext): void {
  r.add('POST', '/open_api/:version/campaign/create/', (req) => {
    const pre = prelude(ctx, req);
    if (!pre.ok) return pre.res;
    const b = req.body;
    const mode = b['budget_mode'];
    const problem = firstFailure(
      checkName(b['campaign_name'], true),
      checkObjective(b['objective_type']),
      checkMode(mode, undefined),
      checkBudget(String(mode), b['budget'], pre.adv.currency),
      operationRule(b['operation_status']),
    );
    const now = ctx.now();
    if (problem) return reply(now, 40002, problem);
    const status = b['operation_status'] === 'DISABLE' ? 'DISABLE' : 'ENABLE';
    const c: Campaign = {
      campaign_id: newCampaignId(ctx.world),
      advertiser_id: pre.adv.advertiser_id,
      campaign_name: String(b['campaign_name']),
      objective_type: String(b['objective_type']),
      budget_mode: String(mode),
      budget: typeof b['budget'] === 'number' ? b['budget'] : 0,
      operation_status: status,
      secondary_status: `CAMPAIGN_STATUS_${status}`,
      campaign_type: 'REGULAR_CAMPAIGN',
      budget_optimize_on: b['budget_optimize_on'] === true,
      is_smart_performance_campaign: false,
      create_time: tiktokTime(now),
      modify_time: tiktokTime(now),
    };
    ctx.world.campaigns.push(c);
    return ok(now, pick(c, CAMPAIGN_FIELDS));
  });

  r.add('POST', '/open_api/:version/campaign/update/', (req) => {
    const pre = prelude(ctx, req);
    if (!pre.ok) return pre.res;
    const b = req.body;
    const now = ctx.now();
    const id =
      typeof b['campaign_id'] === 'string' || typeof b['campaign_id'] === 'number' ? String(b['campaign_id']) : '';
    if (!id) return reply(now, 40002, 'campaign_id: Missing data for required field.');
    const c = ctx.world.campaigns.find((x) => x.campaign_id === id && x.advertiser_id === pre.adv.advertiser_id);
    if (!c) return reply(now, 40007, `Campaign ${id} does not exist.`);
    if (deleted(c.secondary_status))
      return reply(now, 40002, `Campaign ${id} has been deleted and can no longer be modified.`);
    const objective = b['objective_type'];
    const problem = firstFailure(
      checkName(b['campaign_name'], false),
      objective === undefined || objective === c.objective_type
        ? OK
        : { ok: false, message: 'objective_type: The objective of a campaign cannot be changed after creation.' },
      checkMode(b['budget_mode'], c),
      b['budget'] === undefined ? OK : checkBudget(c.budget_mode, b['budget'], pre.adv.currency),
    );
    if (problem) return reply(now, 40002, problem);
    if (b['campaign_name'] !== undefined) c.campaign_name = text(b['campaign_name']);
    if (typeof b['budget'] === 'number') c.budget = b['budget'];
    c.modify_time = tiktokTime(now);
    return ok(now, pick(c, CAMPAIGN_FIELDS));
  });

  r.add('POST', '/open_api/:version/campaign/status/update/', (req) => statusUpdate(ctx, req, CAMPAIGNS));
  r.add('POST', '/open_api/:version/adgroup/status/update/', (req) => statusUpdate(ctx, req, ADGROUPS));
  r.add('POST', '/open_api/:version/ad/status/update/', (req) => statusUpdate(ctx, req, ADS));
}
