import { plexusError } from '../../core/errors.ts';
import { microsToDecimal } from '../../core/money.ts';
import type { AdEntityRecord, AdLevel, AdsSyncContext, AdsWriteAdapter, CampaignInput } from '../contracts/ads.ts';
import { entityNotFound, type EntityReader } from '../kit/ad-records.ts';
import { apiCall, apiUrl } from '../kit/api-call.ts';
import { get, LEVEL, toEntity } from './sync.ts';

type Obj = Record<string, unknown>;

/** The id list each status endpoint takes, and its path (ads.md §3.3). */
const STATUS_PATH: Record<Exclude<AdLevel, 'account'>, { path: string; ids: string }> = {
  campaign: { path: '/campaign/status/update/', ids: 'campaign_ids' },
  ad_group: { path: '/adgroup/status/update/', ids: 'adgroup_ids' },
  ad: { path: '/ad/status/update/', ids: 'ad_ids' },
};

/** A JSON POST; application errors arrive as HTTP 200 with a code, which the connector classifies. */
async function post(s: AdsSyncContext, path: string, body: Obj): Promise<Obj> {
  const res = await apiCall(s.connector, s.ctx, s.creds, { method: 'POST', url: apiUrl(s.ctx, path), json: body });
  return (res.body as { data?: Obj } | undefined)?.data ?? {};
}

/** The entity as TikTok now lists it (deleted ones included), mapped as the sync maps it. */
const read: EntityReader = async (s, account, level, id) => {
  const l = LEVEL[level];
  const body = await get<Obj>(s, l.path, {
    advertiser_id: account.platformId,
    filtering: { [STATUS_PATH[level].ids]: [id], secondary_status: l.all },
    page: '1',
    page_size: '10',
  });
  const row = body.data?.list?.[0];
  if (!row) throw entityNotFound(`TikTok advertiser ${account.platformId}`, level, id);
  return toEntity(level, account, row);
};

/** ads.md §3.3: a campaign has no schedule of its own; start and end times belong to its ad groups. */
function refuseSchedule(input: CampaignInput): void {
  if (input.startAt != null || input.endAt != null) {
    throw plexusError('unprocessable', {
      message:
        'TikTok schedules delivery per ad group (schedule_start_time, schedule_end_time); a campaign has no start or end time to set.',
      details: { field: input.startAt != null ? 'start_at' : 'end_at' },
    });
  }
}

/** Budget mode and amount: a float in the advertiser currency's major units, not micros (ads.md §3.3). */
function budgetOf(input: CampaignInput): { budget_mode: string; budget?: number } | undefined {
  if (input.dailyBudgetMicros != null && input.lifetimeBudgetMicros != null) {
    throw plexusError('unprocessable', {
      message: 'A TikTok campaign budget is either daily or total, not both.',
      details: { field: 'lifetime_budget_micros' },
    });
  }
  if (input.dailyBudgetMicros != null)
    return { budget_mode: 'BUDGET_MODE_DAY', budget: Number(microsToDecimal(input.dailyBudgetMicros)) };
  if (input.lifetimeBudgetMicros != null)
    return { budget_mode: 'BUDGET_MODE_TOTAL', budget: Number(microsToDecimal(input.lifetimeBudgetMicros)) };
  return undefined;
}

const operation = (status: 'active' | 'paused') => (status === 'active' ? 'ENABLE' : 'DISABLE');

async function setStatus(
  s: AdsSyncContext,
  account: AdEntityRecord,
  level: Exclude<AdLevel, 'account'>,
  id: string,
  op: 'ENABLE' | 'DISABLE' | 'DELETE',
): Promise<void> {
  const p = STATUS_PATH[level];
  await post(s, p.path, { advertiser_id: account.platformId, [p.ids]: [id], operation_status: op });
}

/**
 * ads.md §3.3: campaign/create and campaign/update for fields and budget (the budget mode is
 * fixed at creation); every status change, delete included, through the level's status/update.
 */
export const tiktokAdsWrite: AdsWriteAdapter = {
  async createCampaign(s, account, input) {
    refuseSchedule(input);
    const budget = budgetOf(input) ?? { budget_mode: 'BUDGET_MODE_INFINITE' };
    const data = await post(s, '/campaign/create/', {
      advertiser_id: account.platformId,
      campaign_name: input.name,
      // TikTok requires an objective; traffic is the plainest one.
      objective_type: input.objective ?? 'TRAFFIC',
      ...budget,
      // Created paused unless asked otherwise, as on every platform here.
      operation_status: operation(input.status ?? 'paused'),
    });
    return read(s, account, 'campaign', String(data['campaign_id']));
  },

  async updateCampaign(s, account, id, input) {
    refuseSchedule(input);
    const fields: Obj = {
      ...(input.name !== undefined ? { campaign_name: input.name } : {}),
      // The objective cannot change; TikTok itself says so when asked to.
      ...(input.objective !== undefined ? { objective_type: input.objective } : {}),
      ...budgetOf(input),
    };
    if (Object.keys(fields).length)
      await post(s, '/campaign/update/', { advertiser_id: account.platformId, campaign_id: id, ...fields });
    if (input.status !== undefined) await setStatus(s, account, 'campaign', id, operation(input.status));
    return read(s, account, 'campaign', id);
  },

  async deleteCampaign(s, id, account) {
    await setStatus(s, account, 'campaign', id, 'DELETE');
  },

  async setStatus(s, account, level, id, status) {
    await setStatus(s, account, level, id, operation(status));
    return read(s, account, level, id);
  },
};
