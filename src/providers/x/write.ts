import { plexusError } from '../../core/errors.ts';
import type { AdEntityRecord, AdsSyncContext, AdsWriteAdapter, CampaignInput } from '../contracts/ads.ts';
import { apiCall, apiGet, apiUrl } from '../kit/api-call.ts';
import { toEntity, type Row } from './sync.ts';

const status = (s: 'active' | 'paused') => (s === 'active' ? 'ACTIVE' : 'PAUSED');

/**
 * What the unified campaign cannot say on X: campaigns have no objective and no start or end
 * time there (line items carry both, ads.md §5.3), so such input is refused rather than dropped.
 */
function refuseUnmapped(input: CampaignInput): void {
  const field =
    input.objective !== undefined
      ? 'objective'
      : input.startAt != null
        ? 'start_at'
        : input.endAt != null
          ? 'end_at'
          : undefined;
  if (!field) return;
  throw plexusError('unprocessable', {
    message: `X campaigns have no ${field === 'objective' ? 'objective' : 'start or end time'}; on X they belong to the campaign's line items (ad groups).`,
    details: [{ path: field, message: 'not_supported_by_platform' }],
  });
}

/** Budgets in X's `*_local_micro` (micros for every currency); null sends "" to unset. */
function budgetParams(input: CampaignInput, p: URLSearchParams): void {
  if (input.dailyBudgetMicros !== undefined)
    p.set(
      'daily_budget_amount_local_micro',
      input.dailyBudgetMicros === null ? '' : input.dailyBudgetMicros.toString(),
    );
  if (input.lifetimeBudgetMicros !== undefined)
    p.set(
      'total_budget_amount_local_micro',
      input.lifetimeBudgetMicros === null ? '' : input.lifetimeBudgetMicros.toString(),
    );
}

/** One form-encoded write (X takes query/form params, never JSON, ads.md §5.3); returns `data`. */
async function write(
  s: AdsSyncContext,
  method: 'POST' | 'PUT' | 'DELETE',
  path: string,
  form?: URLSearchParams,
): Promise<Row> {
  const res = await apiCall(s.connector, s.ctx, s.creds, {
    method,
    url: apiUrl(s.ctx, path),
    ...(form ? { form } : {}),
  });
  return (res.body as { data: Row }).data;
}

/** The account's funding instrument that can pay for a new campaign. */
async function fundingInstrument(s: AdsSyncContext, account: AdEntityRecord): Promise<string> {
  const res = await apiGet(s.connector, s.ctx, s.creds, `/accounts/${account.platformId}/funding_instruments`);
  const list =
    (res.body as { data?: Array<{ id: string; deleted?: boolean; able_to_fund?: boolean; entity_status?: string }> })
      .data ?? [];
  const fi = list.find((f) => !f.deleted && f.able_to_fund !== false && f.entity_status !== 'PAUSED');
  if (!fi)
    throw plexusError('unprocessable', {
      message: `X ads account ${account.platformId} has no funding instrument able to fund a campaign.`,
    });
  return fi.id;
}

/**
 * ads.md §5.3: campaigns are created, changed and deleted at
 * `/accounts/:account_id/campaigns[/:id]`; line items are paused with PUT `entity_status`.
 * Promoted tweets take no PUT at all (pause at the line-item level), so pausing one ad is refused.
 */
export const xAdsWrite: AdsWriteAdapter = {
  async createCampaign(s, account, input) {
    refuseUnmapped(input);
    const p = new URLSearchParams({
      funding_instrument_id: await fundingInstrument(s, account),
      name: input.name ?? '',
      // Created paused unless asked otherwise, so nothing spends before it is reviewed.
      entity_status: status(input.status ?? 'paused'),
    });
    budgetParams(input, p);
    return toEntity('campaign', account, await write(s, 'POST', `/accounts/${account.platformId}/campaigns`, p));
  },

  async updateCampaign(s, account, id, input) {
    refuseUnmapped(input);
    const p = new URLSearchParams();
    if (input.name !== undefined) p.set('name', input.name);
    if (input.status !== undefined) p.set('entity_status', status(input.status));
    budgetParams(input, p);
    return toEntity('campaign', account, await write(s, 'PUT', `/accounts/${account.platformId}/campaigns/${id}`, p));
  },

  async deleteCampaign(s, id, account) {
    await write(s, 'DELETE', `/accounts/${account.platformId}/campaigns/${id}`);
  },

  async setStatus(s, account, level, id, to) {
    if (level === 'ad') {
      throw plexusError('unprocessable', {
        message:
          'X cannot pause or resume a single promoted tweet (promoted_tweets take no PUT); pause or resume its line item (ad group) instead.',
        details: [{ path: 'level', message: 'not_supported_by_platform' }],
      });
    }
    const path = level === 'campaign' ? 'campaigns' : 'line_items';
    const row = await write(
      s,
      'PUT',
      `/accounts/${account.platformId}/${path}/${id}`,
      new URLSearchParams({ entity_status: status(to) }),
    );
    return toEntity(level, account, row);
  },
};
