import { plexusError } from '../../core/errors.ts';
import { microsToDecimal } from '../../core/money.ts';
import type { AdEntityRecord, AdLevel, AdsSyncContext, AdsWriteAdapter, CampaignInput } from '../contracts/ads.ts';
import { apiCall, apiUrl } from '../kit/api-call.ts';
import { get, toEntity } from './sync.ts';

type Obj = Record<string, unknown>;

/** Unified levels sit one LinkedIn level up: campaign → campaign group, ad group → campaign, ad → creative. */
function entityPath(account: AdEntityRecord, level: Exclude<AdLevel, 'account'>, id: string): string {
  const base = `/adAccounts/${account.platformId}`;
  if (level === 'campaign') return `${base}/adCampaignGroups/${id}`;
  if (level === 'ad_group') return `${base}/adCampaigns/${id}`;
  return `${base}/creatives/${encodeURIComponent(`urn:li:sponsoredCreative:${id}`)}`;
}

async function fetchRaw(
  s: AdsSyncContext,
  account: AdEntityRecord,
  level: Exclude<AdLevel, 'account'>,
  id: string,
): Promise<Obj> {
  return (await get(s, entityPath(account, level, id))).body as Obj;
}

/** ads.md §4.3: `POST …/{id}` with `X-RestLi-Method: PARTIAL_UPDATE` and a `$set` (and `$delete`) patch; 204. */
async function partialUpdate(s: AdsSyncContext, path: string, set: Obj, del: string[] = []): Promise<void> {
  await apiCall(s.connector, s.ctx, s.creds, {
    method: 'POST',
    url: apiUrl(s.ctx, path),
    headers: { 'X-RestLi-Method': 'PARTIAL_UPDATE' },
    json: { patch: { $set: set, ...(del.length ? { $delete: del } : {}) } },
  });
}

/** Money is `{amount, currencyCode}` with a decimal string in major units (ads.md §4.3). */
function money(micros: bigint, account: AdEntityRecord): { amount: string; currencyCode: string } {
  const [whole, frac = ''] = microsToDecimal(micros).split('.');
  return { amount: `${whole}.${frac.padEnd(2, '0')}`, currencyCode: account.currency ?? '' };
}

/**
 * A group's daily budget needs Dynamic Group Budget, which takes a daily or a total budget, not
 * both: setting one drops the other, so the group ends up with the budget asked for.
 */
function budgetChanges(input: CampaignInput, account: AdEntityRecord, current: Obj): { set: Obj; del: string[] } {
  const set: Obj = {};
  const del: string[] = [];
  if (input.dailyBudgetMicros != null) {
    set['dailyBudget'] = money(input.dailyBudgetMicros, account);
    set['budgetOptimization'] = current['budgetOptimization'] ?? { budgetOptimizationStrategy: 'DYNAMIC' };
    if (input.lifetimeBudgetMicros === undefined && current['totalBudget'] !== undefined) del.push('totalBudget');
  } else if (input.dailyBudgetMicros === null && current['dailyBudget'] !== undefined) del.push('dailyBudget');
  if (input.lifetimeBudgetMicros != null) {
    set['totalBudget'] = money(input.lifetimeBudgetMicros, account);
    if (input.dailyBudgetMicros === undefined && current['dailyBudget'] !== undefined) del.push('dailyBudget');
  } else if (input.lifetimeBudgetMicros === null && current['totalBudget'] !== undefined) del.push('totalBudget');
  return { set, del };
}

/** Run schedules are epoch milliseconds; the end is exclusive, as the unified end instant is. */
function scheduleOf(input: CampaignInput, current: { start?: number; end?: number } | undefined): Obj | undefined {
  if (input.startAt === undefined && input.endAt === undefined) return undefined;
  const rs: Obj = { ...current };
  if (input.startAt) rs['start'] = Date.parse(input.startAt);
  if (input.endAt) rs['end'] = Date.parse(input.endAt);
  if (input.endAt === null) delete rs['end'];
  return rs;
}

const groupStatus = (s: 'active' | 'paused') => (s === 'active' ? 'ACTIVE' : 'PAUSED');

/**
 * ads.md §4.3: a unified campaign is a LinkedIn campaign group. Create answers 201 with the id in
 * `x-restli-id`; updates are Rest.li partial updates; only drafts can be deleted, anything else
 * is set to PENDING_DELETION. Ad groups (LinkedIn campaigns) and ads (creatives, whose status
 * field is `intendedStatus`) change status the same way.
 */
export const linkedinAdsWrite: AdsWriteAdapter = {
  async createCampaign(s, account, input) {
    const { set } = budgetChanges(input, account, {});
    const res = await apiCall(s.connector, s.ctx, s.creds, {
      method: 'POST',
      url: apiUrl(s.ctx, `/adAccounts/${account.platformId}/adCampaignGroups`),
      json: {
        account: `urn:li:sponsoredAccount:${account.platformId}`,
        name: input.name,
        status: groupStatus(input.status ?? 'paused'),
        // A run schedule needs a start; without one asked for, the group starts now.
        runSchedule: scheduleOf({ ...input, startAt: input.startAt ?? new Date().toISOString() }, undefined),
        ...(input.objective !== undefined ? { objectiveType: input.objective } : {}),
        ...set,
      },
    });
    const id = res.headers['x-restli-id'] ?? res.headers['x-linkedin-id'];
    if (!id)
      throw plexusError('internal_error', {
        message: 'LinkedIn created the campaign group but named no id (x-restli-id).',
      });
    return toEntity('campaign', account, await fetchRaw(s, account, 'campaign', id));
  },

  async updateCampaign(s, account, id, input) {
    const current = await fetchRaw(s, account, 'campaign', id);
    const { set, del } = budgetChanges(input, account, current);
    if (input.name !== undefined) set['name'] = input.name;
    if (input.status !== undefined) set['status'] = groupStatus(input.status);
    // The objective is set once; LinkedIn refuses a change itself.
    if (input.objective !== undefined) set['objectiveType'] = input.objective;
    const schedule = scheduleOf(input, current['runSchedule'] as { start?: number; end?: number } | undefined);
    if (schedule) set['runSchedule'] = schedule;
    if (Object.keys(set).length || del.length) await partialUpdate(s, entityPath(account, 'campaign', id), set, del);
    return toEntity('campaign', account, await fetchRaw(s, account, 'campaign', id));
  },

  async deleteCampaign(s, id, account) {
    const current = await fetchRaw(s, account, 'campaign', id);
    const path = entityPath(account, 'campaign', id);
    if (current['status'] === 'DRAFT') {
      await apiCall(s.connector, s.ctx, s.creds, { method: 'DELETE', url: apiUrl(s.ctx, path) });
      return;
    }
    await partialUpdate(s, path, { status: 'PENDING_DELETION' });
  },

  async setStatus(s, account, level, id, status) {
    await partialUpdate(s, entityPath(account, level, id), {
      [level === 'ad' ? 'intendedStatus' : 'status']: groupStatus(status),
    });
    return toEntity(level, account, await fetchRaw(s, account, level, id));
  },
};
