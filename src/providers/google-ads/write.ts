import { randomUUID } from 'node:crypto';
import { plexusError } from '../../core/errors.ts';
import type { AdEntityRecord, AdsSyncContext, AdsWriteAdapter, CampaignInput } from '../contracts/ads.ts';
import { entityNotFound, type EntityReader } from '../kit/ad-records.ts';
import { apiCall, apiUrl } from '../kit/api-call.ts';
import { entity, entityQuery, loginOf, search } from './sync.ts';

type Obj = Record<string, unknown>;
type Operation = { create: Obj } | { update: Obj; updateMask: string } | { remove: string };
type Service = 'campaigns' | 'campaignBudgets' | 'adGroups' | 'adGroupAds';
type Budget = { period: 'DAILY' | 'CUSTOM_PERIOD'; micros: bigint };

/** One `{service}:mutate` call; the resource names it answers with, in operation order. */
async function mutate(
  s: AdsSyncContext,
  account: AdEntityRecord,
  service: Service,
  operations: Operation[],
  validateOnly = false,
): Promise<string[]> {
  const res = await apiCall(s.connector, s.ctx, s.creds, {
    method: 'POST',
    url: apiUrl(s.ctx, `/customers/${account.platformId}/${service}:mutate`),
    headers: { 'login-customer-id': loginOf(account) },
    json: { operations, ...(validateOnly ? { validateOnly: true } : {}) },
  });
  return ((res.body as { results?: { resourceName?: string }[] }).results ?? []).map((r) => r.resourceName ?? '');
}

/** The entity as Google now has it, through the same GAQL and mapping as the sync. */
const read: EntityReader = async (s, account, level, id) => {
  const page = await search(s, account.platformId, loginOf(account), entityQuery(level, id), null);
  const row = page.records[0];
  if (!row) throw entityNotFound(`Google Ads customer ${account.platformId}`, level, id);
  return entity(level, row, account);
};

/** The campaign's budget resource, its period and whether other campaigns may share it. */
async function budgetOfCampaign(
  s: AdsSyncContext,
  account: AdEntityRecord,
  id: string,
): Promise<{ resourceName: string; period: string; shared: boolean }> {
  const q = `SELECT campaign.id, campaign_budget.period, campaign_budget.explicitly_shared FROM campaign WHERE campaign.id = ${/^\d+$/.test(id) ? id : "''"}`;
  const row = (await search(s, account.platformId, loginOf(account), q, null)).records[0];
  const b = row?.['campaignBudget'];
  if (!b)
    throw plexusError('provider.not_found', {
      message: `Google Ads customer ${account.platformId} has no campaign ${id}.`,
    });
  return {
    resourceName: String(b['resourceName']),
    period: String(b['period']),
    shared: b['explicitlyShared'] === true,
  };
}

/** Campaign dates are days in the customer's time zone (ads.md §2.3). */
function localDay(instant: string, timeZone: string | null | undefined): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timeZone ?? 'UTC',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(instant));
}

/** The end date is the last day served: an end at midnight means the day before. */
const endDay = (instant: string, timeZone: string | null | undefined) =>
  localDay(new Date(Date.parse(instant) - 1000).toISOString(), timeZone);

/**
 * docs/platforms/google-ads.md §Version: since v23 campaigns take `start_date_time` /
 * `end_date_time` as "yyyy-MM-dd HH:mm:ss" in the customer's time zone; whole days (the first
 * and last second) are what every campaign type accepts.
 */
const startOf = (instant: string, timeZone: string | null | undefined) => `${localDay(instant, timeZone)} 00:00:00`;
const endOf = (instant: string, timeZone: string | null | undefined) => `${endDay(instant, timeZone)} 23:59:59`;

/** A daily budget is `amount_micros`, a lifetime one a custom-period `total_amount_micros`; a budget is one or the other. */
function budgetOf(input: CampaignInput): Budget | undefined {
  if (input.dailyBudgetMicros != null && input.lifetimeBudgetMicros != null) {
    throw plexusError('unprocessable', {
      message: 'A Google Ads campaign budget is either daily or total, not both.',
      details: { field: 'lifetime_budget_micros' },
    });
  }
  if (input.dailyBudgetMicros != null) return { period: 'DAILY', micros: input.dailyBudgetMicros };
  if (input.lifetimeBudgetMicros != null) return { period: 'CUSTOM_PERIOD', micros: input.lifetimeBudgetMicros };
  return undefined;
}

const amountField = (b: Budget) =>
  b.period === 'DAILY' ? { amountMicros: b.micros.toString() } : { totalAmountMicros: b.micros.toString() };

/** A budget of the campaign's own (not shared), named so it cannot clash with another. */
const newBudget = (campaignName: string, b: Budget): Obj => ({
  name: `${campaignName.slice(0, 200)} budget ${randomUUID().slice(0, 8)}`,
  period: b.period,
  deliveryMethod: 'STANDARD',
  explicitlyShared: false,
  ...amountField(b),
});

/** Every campaign needs a bidding strategy; manual CPC where it exists, otherwise maximize conversions. */
const bidding = (channel: string): Obj =>
  channel === 'SEARCH' || channel === 'DISPLAY' ? { manualCpc: {} } : { maximizeConversions: {} };
const idOf = (resourceName: string) => resourceName.slice(resourceName.lastIndexOf('/') + 1);
const status = (s: 'active' | 'paused') => (s === 'active' ? 'ENABLED' : 'PAUSED');

/** Campaign fields of an update and their mask paths (camelCase, as JSON field masks are). */
function campaignChanges(input: CampaignInput, timeZone: string | null | undefined): { fields: Obj; mask: string[] } {
  const fields: Obj = {};
  if (input.name !== undefined) fields['name'] = input.name;
  if (input.status !== undefined) fields['status'] = status(input.status);
  // The channel type stands for the objective and is immutable: Google itself refuses a change.
  if (input.objective !== undefined) fields['advertisingChannelType'] = input.objective;
  if (input.startAt) fields['startDateTime'] = startOf(input.startAt, timeZone);
  if (input.endAt) fields['endDateTime'] = endOf(input.endAt, timeZone);
  const mask = Object.keys(fields);
  // docs/platforms/google-ads.md §Version (v23+): a cleared end date time runs indefinitely.
  if (input.endAt === null) mask.push('endDateTime');
  return { fields, mask };
}

/**
 * ads.md §2.3: a campaign points at a separate CampaignBudget; both change through their
 * `:mutate` services with create / update + updateMask / remove; money is micros already.
 */
export const googleAdsWrite: AdsWriteAdapter = {
  async createCampaign(s, account, input) {
    const channel = input.objective ?? 'SEARCH';
    const budget = budgetOf(input);
    const [budgetName] = budget
      ? await mutate(s, account, 'campaignBudgets', [{ create: newBudget(input.name ?? 'Campaign', budget) }])
      : [];
    const campaign: Obj = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      // ads.md §2.3: a new campaign defaults to ENABLED; it starts paused unless asked otherwise.
      status: status(input.status ?? 'paused'),
      advertisingChannelType: channel,
      ...(budgetName ? { campaignBudget: budgetName } : {}),
      ...bidding(channel),
      containsEuPoliticalAdvertising: 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING',
      ...(input.startAt ? { startDateTime: startOf(input.startAt, account.timeZone) } : {}),
      ...(input.endAt ? { endDateTime: endOf(input.endAt, account.timeZone) } : {}),
    };
    let name: string | undefined;
    try {
      [name] = await mutate(s, account, 'campaigns', [{ create: campaign }]);
    } catch (err) {
      // The budget was only for this campaign. Removing it is best effort: the campaign's own
      // error is what the caller needs, and an unused budget is harmless.
      if (budgetName) await mutate(s, account, 'campaignBudgets', [{ remove: budgetName }]).catch(() => undefined);
      throw err;
    }
    return read(s, account, 'campaign', idOf(name ?? ''));
  },

  async updateCampaign(s, account, id, input) {
    const resourceName = `customers/${account.platformId}/campaigns/${id}`;
    const { fields, mask } = campaignChanges(input, account.timeZone);
    const budget = budgetOf(input);
    const current = budget ? await budgetOfCampaign(s, account, id) : undefined;
    if (budget && current && current.period !== budget.period) {
      // The period of a budget is immutable: a switch between daily and total is a new budget.
      const [created = ''] = await mutate(s, account, 'campaignBudgets', [
        { create: newBudget(`Campaign ${id}`, budget) },
      ]);
      try {
        await mutate(s, account, 'campaigns', [
          {
            update: { ...fields, resourceName, campaignBudget: created },
            updateMask: [...mask, 'campaignBudget'].join(','),
          },
        ]);
      } catch (err) {
        await mutate(s, account, 'campaignBudgets', [{ remove: created }]).catch(() => undefined);
        throw err;
      }
      if (!current.shared) await mutate(s, account, 'campaignBudgets', [{ remove: current.resourceName }]);
      return read(s, account, 'campaign', id);
    }
    const ops: [Service, Operation][] = [];
    if (mask.length) ops.push(['campaigns', { update: { ...fields, resourceName }, updateMask: mask.join(',') }]);
    if (budget && current) {
      ops.push([
        'campaignBudgets',
        {
          update: { resourceName: current.resourceName, ...amountField(budget) },
          updateMask: budget.period === 'DAILY' ? 'amountMicros' : 'totalAmountMicros',
        },
      ]);
    }
    // Two services cannot change in one call: both are validated first, so either both apply or neither.
    if (ops.length > 1) for (const [service, op] of ops) await mutate(s, account, service, [op], true);
    for (const [service, op] of ops) await mutate(s, account, service, [op]);
    return read(s, account, 'campaign', id);
  },

  async deleteCampaign(s, id, account) {
    const budget = await budgetOfCampaign(s, account, id);
    // Removal is irreversible; the campaign stays readable with status REMOVED.
    await mutate(s, account, 'campaigns', [{ remove: `customers/${account.platformId}/campaigns/${id}` }]);
    // Removing a campaign leaves its budget behind; one that was the campaign's own goes too.
    if (!budget.shared) await mutate(s, account, 'campaignBudgets', [{ remove: budget.resourceName }]);
  },

  async setStatus(s, account, level, id, to) {
    const cid = account.platformId;
    if (level === 'campaign') {
      await mutate(s, account, 'campaigns', [
        { update: { resourceName: `customers/${cid}/campaigns/${id}`, status: status(to) }, updateMask: 'status' },
      ]);
    } else if (level === 'ad_group') {
      await mutate(s, account, 'adGroups', [
        { update: { resourceName: `customers/${cid}/adGroups/${id}`, status: status(to) }, updateMask: 'status' },
      ]);
    } else {
      // An ad's status lives on its AdGroupAd, named by ad group and ad: `{adGroupId}~{adId}`.
      const ad = await read(s, account, 'ad', id);
      await mutate(s, account, 'adGroupAds', [
        {
          update: {
            resourceName: `customers/${cid}/adGroupAds/${ad.parentPlatformId ?? ''}~${id}`,
            status: status(to),
          },
          updateMask: 'status',
        },
      ]);
    }
    return read(s, account, level, id);
  },
};
