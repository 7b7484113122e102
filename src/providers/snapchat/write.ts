import { plexusError } from '../../core/errors.ts';
import type { AdEntityRecord, AdLevel, AdsSyncContext, AdsWriteAdapter, CampaignInput } from '../contracts/ads.ts';
import { apiCall, apiGet, apiUrl } from '../kit/api-call.ts';
import { optionalString } from '../kit/payload-values.ts';
import { parseReason } from './errors.ts';
import { LIST, toEntity, type Row } from './sync.ts';

type Level = Exclude<AdLevel, 'account'>;

// Fields the API fills in itself; an update sends the entity back without them.
const READ_ONLY = [
  'created_at',
  'updated_at',
  'delivery_status',
  'creation_state',
  'review_status',
  'review_status_reasons',
  'deleted',
];

const status = (s: 'active' | 'paused') => (s === 'active' ? 'ACTIVE' : 'PAUSED');

/** The entity from a `{<key>: [{sub_request_status, <one>}]}` answer; a refused one is a 422. */
function entityOf(body: unknown, key: string, one: string): Row {
  const item = ((body as Record<string, unknown>)[key] as Array<Record<string, unknown>> | undefined)?.[0];
  if (item?.['sub_request_status'] === 'SUCCESS' && item[one]) return item[one] as Row;
  const reason = parseReason(
    optionalString(item?.['sub_request_error_reason']) ?? 'Snapchat did not return the entity',
  );
  throw plexusError('provider.invalid_request', {
    message: reason.message,
    details: { ...(reason.code ? { code: reason.code } : {}) },
  });
}

async function read(s: AdsSyncContext, level: Level, id: string): Promise<Row> {
  const e = LIST[level];
  const res = await apiGet(s.connector, s.ctx, s.creds, `/${e.path}/${id}`);
  return entityOf(res.body, e.key, e.one);
}

/** PUT the whole entity back (ads.md §6.3: an update sends every field, with its id). */
async function put(s: AdsSyncContext, level: Level, path: string, entity: Row): Promise<Row> {
  const e = LIST[level];
  const body: Record<string, unknown> = { ...entity };
  for (const f of READ_ONLY) delete body[f];
  const res = await apiCall(s.connector, s.ctx, s.creds, {
    method: 'PUT',
    url: apiUrl(s.ctx, path),
    json: { [e.key]: [body] },
  });
  return entityOf(res.body, e.key, e.one);
}

/** Unified campaign fields onto Snapchat's: micro-currency budgets as they are, null clears. */
function apply(c: Record<string, unknown>, input: CampaignInput): void {
  const set = (field: string, v: unknown) => {
    if (v === undefined) return;
    if (v === null) delete c[field];
    else c[field] = v;
  };
  set('name', input.name);
  set('objective', input.objective);
  set('status', input.status === undefined ? undefined : status(input.status));
  set(
    'daily_budget_micro',
    input.dailyBudgetMicros === undefined || input.dailyBudgetMicros === null
      ? input.dailyBudgetMicros
      : Number(input.dailyBudgetMicros),
  );
  // The unified lifetime budget is the campaign's lifetime spend cap on Snapchat.
  set(
    'lifetime_spend_cap_micro',
    input.lifetimeBudgetMicros === undefined || input.lifetimeBudgetMicros === null
      ? input.lifetimeBudgetMicros
      : Number(input.lifetimeBudgetMicros),
  );
  set('start_time', input.startAt);
  set('end_time', input.endAt);
}

/**
 * ads.md §6.3: campaigns are created with POST and updated with PUT of the whole entity on
 * `/adaccounts/{id}/campaigns`, deleted at `/campaigns/{id}`; ad squads and ads change status
 * with a PUT of the whole entity under their parent.
 */
export const snapchatAdsWrite: AdsWriteAdapter = {
  async createCampaign(s, account, input) {
    // start_time is required; a campaign without one starts now. Created paused unless asked otherwise.
    const c: Record<string, unknown> = {
      ad_account_id: account.platformId,
      status: 'PAUSED',
      start_time: s.ctx.clock.now().toISOString(),
    };
    apply(c, input);
    const res = await apiCall(s.connector, s.ctx, s.creds, {
      method: 'POST',
      url: apiUrl(s.ctx, `/adaccounts/${account.platformId}/campaigns`),
      json: { campaigns: [c] },
    });
    return toEntity('campaign', account, entityOf(res.body, 'campaigns', 'campaign'));
  },

  async updateCampaign(s, account, id, input) {
    const c = await read(s, 'campaign', id);
    apply(c, input);
    return toEntity('campaign', account, await put(s, 'campaign', `/adaccounts/${account.platformId}/campaigns`, c));
  },

  async deleteCampaign(s, id) {
    await apiCall(s.connector, s.ctx, s.creds, { method: 'DELETE', url: apiUrl(s.ctx, `/campaigns/${id}`) });
  },

  async setStatus(s, account: AdEntityRecord, level, id, to) {
    const e = await read(s, level, id);
    e['status'] = status(to);
    const path =
      level === 'campaign'
        ? `/adaccounts/${account.platformId}/campaigns`
        : level === 'ad_group'
          ? `/campaigns/${String(e['campaign_id'])}/adsquads`
          : `/adsquads/${String(e['ad_squad_id'])}/ads`;
    return toEntity(level, account, await put(s, level, path, e));
  },
};
