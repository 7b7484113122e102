import { currencyOffset } from '../../core/money.ts';
import type { AdsWriteAdapter, CampaignInput } from '../contracts/ads.ts';
import type { EntityReader } from '../kit/ad-records.ts';
import { apiCall, apiUrl } from '../kit/api-call.ts';
import { EDGE_FIELDS, toEntity } from './sync.ts';

/** Micros to Meta's minor-unit integer strings (ads.md §1.3: offset 100, or 1 for JPY and others). */
const toMinor = (micros: bigint, currency: string | null | undefined) =>
  ((micros * BigInt(currencyOffset(currency))) / 1_000_000n).toString();

function params(input: CampaignInput, currency: string | null | undefined): Record<string, string> {
  const p: Record<string, string> = {};
  if (input.name !== undefined) p.name = input.name;
  if (input.objective !== undefined) p.objective = input.objective;
  if (input.status !== undefined) p.status = input.status === 'active' ? 'ACTIVE' : 'PAUSED';
  if (input.dailyBudgetMicros != null) p.daily_budget = toMinor(input.dailyBudgetMicros, currency);
  if (input.lifetimeBudgetMicros != null) p.lifetime_budget = toMinor(input.lifetimeBudgetMicros, currency);
  if (input.startAt) p.start_time = input.startAt;
  if (input.endAt) p.stop_time = input.endAt;
  return p;
}

const read: EntityReader = async (s, account, level, id) => {
  const url = new URL(apiUrl(s.ctx, `/${id}`));
  url.searchParams.set('fields', EDGE_FIELDS(level));
  const res = await apiCall(s.connector, s.ctx, s.creds, { method: 'GET', url: url.toString() });
  return toEntity(level, account, res.body as Record<string, string | undefined> & { id: string });
};

/** ads.md §1.3: create on the account's edge, update with POST /{id}, delete with DELETE /{id}. */
export const metaAdsWrite: AdsWriteAdapter = {
  async createCampaign(s, account, input) {
    const res = await apiCall(s.connector, s.ctx, s.creds, {
      method: 'POST',
      url: apiUrl(s.ctx, `/${account.platformId}/campaigns`),
      form: new URLSearchParams({ special_ad_categories: '[]', status: 'PAUSED', ...params(input, account.currency) }),
    });
    return read(s, account, 'campaign', (res.body as { id: string }).id);
  },
  async updateCampaign(s, account, id, input) {
    await apiCall(s.connector, s.ctx, s.creds, {
      method: 'POST',
      url: apiUrl(s.ctx, `/${id}`),
      form: new URLSearchParams(params(input, account.currency)),
    });
    return read(s, account, 'campaign', id);
  },
  async deleteCampaign(s, id) {
    await apiCall(s.connector, s.ctx, s.creds, { method: 'DELETE', url: apiUrl(s.ctx, `/${id}`) });
  },
  async setStatus(s, account, level, id, status) {
    await apiCall(s.connector, s.ctx, s.creds, {
      method: 'POST',
      url: apiUrl(s.ctx, `/${id}`),
      form: new URLSearchParams({ status: status === 'active' ? 'ACTIVE' : 'PAUSED' }),
    });
    return read(s, account, level, id);
  },
};
