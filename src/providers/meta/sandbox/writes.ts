/**
 * Create and update validation for campaigns, ad sets and ads, with Graph's code-100 messages.
 * Budgets are accepted and stored as minor-unit integer strings, as the platform returns them.
 */
import type { SandboxResponse } from '../../../sandbox/kit/server.ts';
import { jsonParam, str, type Params } from './context.ts';
import { invalidParam } from './errors.ts';
import type { Entity, Kind, MetaWorld } from './world.ts';
import { text } from '../../../sandbox/kit/text.ts';

export const OBJECTIVES = [
  'OUTCOME_AWARENESS',
  'OUTCOME_TRAFFIC',
  'OUTCOME_ENGAGEMENT',
  'OUTCOME_LEADS',
  'OUTCOME_APP_PROMOTION',
  'OUTCOME_SALES',
];
const SPECIAL = [
  'NONE',
  'CREDIT',
  'EMPLOYMENT',
  'HOUSING',
  'ISSUES_ELECTIONS_POLITICS',
  'ONLINE_GAMBLING_AND_GAMING',
  'FINANCIAL_PRODUCTS_SERVICES',
];
const BID_STRATEGIES = ['LOWEST_COST_WITHOUT_CAP', 'LOWEST_COST_WITH_BID_CAP', 'COST_CAP', 'LOWEST_COST_WITH_MIN_ROAS'];
const BILLING_EVENTS = [
  'APP_INSTALLS',
  'CLICKS',
  'IMPRESSIONS',
  'LINK_CLICKS',
  'LISTING_INTERACTION',
  'NONE',
  'OFFER_CLAIMS',
  'PAGE_LIKES',
  'POST_ENGAGEMENT',
  'PURCHASE',
  'THRUPLAY',
];
const CREATE_STATUSES = ['ACTIVE', 'PAUSED'];
const UPDATE_STATUSES = ['ACTIVE', 'PAUSED', 'ARCHIVED', 'DELETED'];

type Result = { ok: true; fields: Record<string, unknown> } | { ok: false; res: SandboxResponse };

function fail(message: string): Result {
  return { ok: false, res: invalidParam(message) };
}

function oneOf(name: string, value: string, allowed: readonly string[]): Result | undefined {
  return allowed.includes(value) ? undefined : fail(`Param ${name} must be one of {${allowed.join(', ')}}`);
}

function budget(p: Params, name: string): { value?: string; error?: Result } {
  const raw = str(p, name);
  if (raw === undefined) return {};
  if (!/^\d+$/.test(raw) || Number(raw) <= 0)
    return { error: fail(`Param ${name} must be a positive integer in the account currency's minimum unit`) };
  return { value: String(Number(raw)) };
}

/** Copies the optional simple params present on the request. */
function pickStrings(p: Params, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const n of names) {
    const v = str(p, n);
    if (v !== undefined) out[n] = v;
  }
  return out;
}

function budgets(p: Params): Result {
  const daily = budget(p, 'daily_budget');
  const lifetime = budget(p, 'lifetime_budget');
  if (daily.error) return daily.error;
  if (lifetime.error) return lifetime.error;
  if (daily.value && lifetime.value) return fail('Only one of daily_budget and lifetime_budget can be set');
  const bid = str(p, 'bid_strategy');
  if (bid !== undefined) {
    const bad = oneOf('bid_strategy', bid, BID_STRATEGIES);
    if (bad) return bad;
  }
  return {
    ok: true,
    fields: {
      ...(daily.value ? { daily_budget: daily.value } : {}),
      ...(lifetime.value ? { lifetime_budget: lifetime.value } : {}),
    },
  };
}

function required(p: Params, names: readonly string[]): Result | undefined {
  const missing = names.find((n) => p[n] === undefined || p[n] === '');
  return missing ? fail(`The parameter ${missing} is required`) : undefined;
}

/** The live (not deleted) parent of `kind` named by `param`, when it belongs to the account. */
function liveParent(world: MetaWorld, p: Params, param: string, kind: Kind, account: Entity): Entity | undefined {
  const parent = world.get(str(p, param) ?? '');
  const live = parent?.kind === kind && parent.accountId === account.accountId && parent.fields['status'] !== 'DELETED';
  return live ? parent : undefined;
}

export function validateCreate(kind: Exclude<Kind, 'account'>, p: Params, world: MetaWorld, account: Entity): Result {
  const status = str(p, 'status');
  if (kind === 'campaign') {
    const miss = required(p, ['name', 'objective', 'status', 'special_ad_categories']);
    if (miss) return miss;
    const bad =
      oneOf('objective', str(p, 'objective') ?? '', OBJECTIVES) ?? oneOf('status', status ?? '', CREATE_STATUSES);
    if (bad) return bad;
    const cats = jsonParam(p, 'special_ad_categories');
    if (!cats.ok || !Array.isArray(cats.value) || cats.value.some((c) => !SPECIAL.includes(String(c)))) {
      return fail(`Param special_ad_categories must be an array of {${SPECIAL.join(', ')}}`);
    }
    const b = budgets(p);
    if (!b.ok) return b;
    return {
      ok: true,
      fields: {
        ...pickStrings(p, ['name', 'objective', 'status', 'bid_strategy', 'spend_cap', 'start_time', 'stop_time']),
        buying_type: 'AUCTION',
        special_ad_categories: cats.value.map(String).filter((c) => c !== 'NONE'),
        ...b.fields,
      },
    };
  }
  if (kind === 'adset') {
    const miss = required(p, ['name', 'campaign_id', 'billing_event', 'optimization_goal', 'targeting', 'status']);
    if (miss) return miss;
    const campaign = liveParent(world, p, 'campaign_id', 'campaign', account);
    if (!campaign) return fail('Param campaign_id must be a valid campaign of this ad account');
    const bad =
      oneOf('billing_event', str(p, 'billing_event') ?? '', BILLING_EVENTS) ??
      oneOf('status', status ?? '', CREATE_STATUSES);
    if (bad) return bad;
    const targeting = jsonParam(p, 'targeting');
    if (
      !targeting.ok ||
      !targeting.value ||
      typeof targeting.value !== 'object' ||
      !('geo_locations' in targeting.value)
    ) {
      return fail('Param targeting must be an object that includes geo_locations');
    }
    const b = budgets(p);
    if (!b.ok) return b;
    const campaignBudget = campaign.fields['daily_budget'] ?? campaign.fields['lifetime_budget'];
    const ownBudget = Object.keys(b.fields).length > 0;
    if (campaignBudget !== undefined && ownBudget)
      return fail('An ad set budget cannot be set when the campaign has a campaign budget');
    if (campaignBudget === undefined && !ownBudget)
      return fail('The parameter daily_budget or lifetime_budget is required');
    const bidStrategy = str(p, 'bid_strategy') ?? text(campaign.fields['bid_strategy'], 'LOWEST_COST_WITHOUT_CAP');
    if (['LOWEST_COST_WITH_BID_CAP', 'COST_CAP'].includes(bidStrategy) && str(p, 'bid_amount') === undefined) {
      return fail('The parameter bid_amount is required');
    }
    return {
      ok: true,
      fields: {
        ...pickStrings(p, [
          'name',
          'campaign_id',
          'billing_event',
          'optimization_goal',
          'status',
          'start_time',
          'end_time',
        ]),
        bid_strategy: bidStrategy,
        ...(str(p, 'bid_amount') === undefined ? {} : { bid_amount: Number(str(p, 'bid_amount')) }),
        targeting: targeting.value,
        ...b.fields,
      },
    };
  }
  const miss = required(p, ['name', 'adset_id', 'creative', 'status']);
  if (miss) return miss;
  const adset = liveParent(world, p, 'adset_id', 'adset', account);
  if (!adset) return fail('Param adset_id must be a valid ad set of this ad account');
  const bad = oneOf('status', status ?? '', CREATE_STATUSES);
  if (bad) return bad;
  const creative = jsonParam(p, 'creative');
  const creativeId =
    creative.ok && creative.value && typeof creative.value === 'object'
      ? (creative.value as Record<string, unknown>)['creative_id']
      : undefined;
  if (typeof creativeId !== 'string' && typeof creativeId !== 'number')
    return fail('Param creative must be an object with creative_id');
  return {
    ok: true,
    fields: {
      ...pickStrings(p, ['name', 'status']),
      adset_id: adset.id,
      campaign_id: adset.fields['campaign_id'],
      creative: { id: String(creativeId) },
    },
  };
}

const UPDATABLE: Record<Exclude<Kind, 'account'>, readonly string[]> = {
  campaign: ['name', 'status', 'bid_strategy', 'spend_cap', 'start_time', 'stop_time'],
  adset: ['name', 'status', 'bid_strategy', 'bid_amount', 'optimization_goal', 'start_time', 'end_time'],
  ad: ['name', 'status'],
};

export function validateUpdate(e: Entity, p: Params): Result {
  if (e.kind === 'account') return fail('Ad accounts cannot be updated in the sandbox');
  if (e.fields['status'] === 'DELETED') return fail('Cannot update an object that has been deleted');
  const status = str(p, 'status');
  if (status !== undefined) {
    const bad = oneOf('status', status, UPDATE_STATUSES);
    if (bad) return bad;
  }
  const fields = pickStrings(p, UPDATABLE[e.kind]);
  if (e.kind !== 'ad') {
    const b = budgets(p);
    if (!b.ok) return b;
    Object.assign(fields, b.fields);
  }
  if (e.kind === 'adset' && p['targeting'] !== undefined) {
    const t = jsonParam(p, 'targeting');
    if (!t.ok || !t.value || typeof t.value !== 'object') return fail('Param targeting must be an object');
    fields['targeting'] = t.value;
  }
  if (fields['bid_amount'] !== undefined) fields['bid_amount'] = Number(fields['bid_amount']);
  return { ok: true, fields };
}
