import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { GoogleAdsRunningSandbox } from '../../src/providers/google-ads/sandbox.ts';
import type { Customer } from '../../src/providers/google-ads/sandbox/world.ts';
import { adsWrites } from '../helpers/ads-writes.ts';
import { openGoogleAdsWrites } from '../helpers/google-ads-writes.ts';

let sb: GoogleAdsRunningSandbox;
let customer: Customer;
const ads = adsWrites();
const { inj, unifiedId, stored } = ads;

before(async () => {
  ({ sb, customer } = await openGoogleAdsWrites(ads, { seed: 31, size: 900, historyDays: 3 }));
});
after(async () => {
  await ads.close();
  await sb.close();
});

/** A day `n` days from now, as the customer's calendar (Los Angeles) has it. */
const localDay = (n: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: customer.time_zone }).format(new Date(Date.now() + n * 86_400_000));
const inZone = (d: Date) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: customer.time_zone, dateStyle: 'short', timeStyle: 'medium' }).format(d);
const campaignAt = (id: string) => sb.world().campaigns.find((c) => c.id === id)!;
const budgetOf = (id: string) => sb.world().budgets.get(campaignAt(id).budgetId)!;

let created: { id: string; platform_id: string };
/** What the writes left, per entity, for the final sync to agree with. */
const last = new Map<string, { level: string; status: string }>();

test('Google Ads: a campaign is created with its own daily budget in micros, paused, on the customer-local days asked for', async () => {
  const res = await inj('POST', '/v1/ads/campaigns', {
    connection_id: ads.conn,
    account_id: customer.id,
    name: 'Plexus launch (Google)',
    daily_budget_micros: '25000000',
    // Noon UTC is early morning in Los Angeles: the same calendar day there.
    start_at: `${localDay(10)}T12:00:00Z`,
    end_at: `${localDay(40)}T20:00:00Z`,
  });
  assert.equal(res.statusCode, 201, res.body);
  created = res.json();
  assert.equal(res.json().status, 'paused');
  assert.equal(res.json().daily_budget_micros, '25000000');
  const c = campaignAt(created.platform_id);
  assert.deepEqual(
    { name: c.name, status: c.status, channel: c.advertising_channel_type, start: c.start_date, end: c.end_date },
    { name: 'Plexus launch (Google)', status: 'PAUSED', channel: 'SEARCH', start: localDay(10), end: localDay(40) },
  );
  const b = budgetOf(created.platform_id);
  assert.deepEqual(
    { amount: b.amount_micros, period: b.period, shared: b.explicitly_shared },
    { amount: '25000000', period: 'DAILY', shared: false },
    'micros as an int64 string, a budget of its own',
  );
  const row = await stored('campaign', created.platform_id);
  assert.equal(row.name, 'Plexus launch (Google)');
  assert.equal(row.status, 'paused');
  assert.equal(row.daily, '25000000', 'the stored model reflects the write at once');
  assert.equal(
    inZone(row.start_at),
    `${localDay(10)} 00:00:00`,
    'the start is the first second of that day in the customer time zone',
  );
  assert.equal(inZone(row.end_at), `${localDay(40)} 23:59:59`);
});

test('Google Ads: name, daily budget and schedule change in place; a switch to a total budget replaces the budget', async () => {
  const budgetBefore = campaignAt(created.platform_id).budgetId;
  const res = await inj('PATCH', `/v1/ads/campaigns/${created.id}`, {
    name: 'Plexus launch (Google) v2',
    daily_budget_micros: '40000000',
    start_at: `${localDay(12)}T12:00:00Z`,
    end_at: `${localDay(60)}T20:00:00Z`,
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().name, 'Plexus launch (Google) v2');
  assert.equal(res.json().daily_budget_micros, '40000000');
  const c = campaignAt(created.platform_id);
  assert.equal(c.budgetId, budgetBefore, 'the amount of the same budget changed');
  assert.equal(budgetOf(created.platform_id).amount_micros, '40000000');
  assert.deepEqual([c.start_date, c.end_date], [localDay(12), localDay(60)]);
  const row = await stored('campaign', created.platform_id);
  assert.equal(row.name, 'Plexus launch (Google) v2');
  assert.equal(row.daily, '40000000');
  assert.equal(new Intl.DateTimeFormat('en-CA', { timeZone: customer.time_zone }).format(row.end_at), localDay(60));

  const total = await inj('PATCH', `/v1/ads/campaigns/${created.id}`, { lifetime_budget_micros: '900000000' });
  assert.equal(total.statusCode, 200, total.body);
  assert.deepEqual([total.json().daily_budget_micros, total.json().lifetime_budget_micros], [null, '900000000']);
  const b = budgetOf(created.platform_id);
  assert.notEqual(b.id, budgetBefore);
  assert.deepEqual(
    { period: b.period, total: b.total_amount_micros, amount: b.amount_micros },
    { period: 'CUSTOM_PERIOD', total: '900000000', amount: null },
  );
  assert.equal(sb.world().budgets.get(budgetBefore)?.status, 'REMOVED', "the campaign's old budget does not linger");
  assert.deepEqual(
    [(await stored('campaign', created.platform_id)).daily, (await stored('campaign', created.platform_id)).lifetime],
    [null, '900000000'],
  );
});

test('Google Ads: campaigns, ad groups and ads pause and resume through their own mutate services', async () => {
  const resumed = await inj('POST', `/v1/ads/campaigns/${created.id}/resume`);
  assert.equal(resumed.statusCode, 200, resumed.body);
  assert.equal(resumed.json().status, 'active');
  assert.equal(campaignAt(created.platform_id).status, 'ENABLED');
  assert.equal((await stored('campaign', created.platform_id)).status, 'active');
  last.set(created.platform_id, { level: 'campaign', status: 'active' });

  const live = new Set(
    sb
      .world()
      .campaigns.filter((c) => c.customerId === customer.id && c.status !== 'REMOVED')
      .map((c) => c.id),
  );
  const group = sb
    .world()
    .adGroups.find((g) => g.customerId === customer.id && g.status === 'ENABLED' && live.has(g.campaignId))!;
  const paused = await inj('POST', `/v1/ads/ad-groups/${unifiedId('ad_group', group.id)}/pause`);
  assert.equal(paused.statusCode, 200, paused.body);
  assert.equal(paused.json().status, 'paused');
  assert.equal(group.status, 'PAUSED');
  assert.equal((await stored('ad_group', group.id)).status, 'paused');
  const back = await inj('POST', `/v1/ads/ad-groups/${unifiedId('ad_group', group.id)}/resume`);
  assert.equal(back.json().status, 'active');
  assert.equal(group.status, 'ENABLED');

  const groupLive = new Set(
    sb
      .world()
      .adGroups.filter((g) => g.status !== 'REMOVED')
      .map((g) => g.id),
  );
  const ad = sb
    .world()
    .ads.find(
      (a) =>
        a.customerId === customer.id &&
        a.status === 'ENABLED' &&
        a.approval_status === 'APPROVED' &&
        live.has(a.campaignId) &&
        groupLive.has(a.adGroupId) &&
        a.adGroupId !== group.id,
    )!;
  const adPaused = await inj('POST', `/v1/ads/ads/${unifiedId('ad', ad.id)}/pause`);
  assert.equal(adPaused.statusCode, 200, adPaused.body);
  assert.equal(ad.status, 'PAUSED', 'the AdGroupAd {adGroupId}~{adId} changed');
  assert.equal((await stored('ad', ad.id)).status, 'paused');
  const adBack = await inj('POST', `/v1/ads/ads/${unifiedId('ad', ad.id)}/resume`);
  assert.equal(adBack.json().status, 'active');
  assert.equal(ad.status, 'ENABLED');
  const adAgain = await inj('POST', `/v1/ads/ads/${unifiedId('ad', ad.id)}/pause`);
  assert.equal(adAgain.json().status, 'paused');
  last.set(ad.id, { level: 'ad', status: 'paused' });
  last.set(group.id, { level: 'ad_group', status: 'active' });
});

test("Google Ads: validation errors come back 422 with Google's message and error code; nothing is left half-made", async () => {
  const enabledBudgets = () =>
    [...sb.world().budgets.values()]
      .filter((b) => b.status === 'ENABLED')
      .map((b) => b.id)
      .sort();
  const budgets = enabledBudgets();
  const campaigns = sb.world().campaigns.length;
  const create = (extra: object) =>
    inj('POST', '/v1/ads/campaigns', {
      connection_id: ads.conn,
      account_id: customer.id,
      name: 'Plexus invalid',
      ...extra,
    });

  const cents = await create({ daily_budget_micros: '12345' });
  assert.equal(cents.statusCode, 422, cents.body);
  assert.equal(cents.json().error.code, 'provider.invalid_request');
  assert.match(cents.json().error.message, /not a multiple of a minimum unit/);
  assert.equal(cents.json().error.details.code, 'campaignBudgetError.NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT');
  assert.equal(cents.json().error.details.field, 'operations[0].create.amount_micros');

  const zero = await create({ daily_budget_micros: '0' });
  assert.equal(zero.statusCode, 422, zero.body);
  assert.equal(zero.json().error.details.code, 'campaignBudgetError.MONEY_AMOUNT_LESS_THAN_CURRENCY_MINIMUM_CPC');

  // The budget is made first: when the campaign is then refused, the budget is taken back.
  const long = await create({ name: 'x'.repeat(300), daily_budget_micros: '10000000' });
  assert.equal(long.statusCode, 422, long.body);
  assert.equal(long.json().error.details.code, 'stringLengthError.TOO_LONG');
  const dup = await create({ name: 'Plexus launch (Google) v2', daily_budget_micros: '10000000' });
  assert.equal(dup.json().error.details.code, 'campaignError.DUPLICATE_CAMPAIGN_NAME');
  assert.match(dup.json().error.message, /already exists/);
  const channel = await create({ objective: 'BILLBOARD', daily_budget_micros: '10000000' });
  assert.equal(channel.statusCode, 422, channel.body);
  assert.match(channel.json().error.message, /Invalid value at 'operations\[0\]\.create\.advertising_channel_type'/);
  const noBudget = await create({});
  assert.equal(noBudget.json().error.details.code, 'fieldError.REQUIRED');
  assert.equal(noBudget.json().error.details.field, 'operations[0].create.campaign_budget');
  assert.equal(sb.world().campaigns.length, campaigns, 'no campaign was made');
  assert.deepEqual(enabledBudgets(), budgets, 'every budget made for a refused campaign was removed again');

  const before = await stored('campaign', created.platform_id);
  const backwards = await inj('PATCH', `/v1/ads/campaigns/${created.id}`, {
    name: 'Should not stick',
    end_at: `${localDay(5)}T20:00:00Z`,
  });
  assert.equal(backwards.statusCode, 422, backwards.body);
  assert.equal(backwards.json().error.details.code, 'dateRangeError.START_DATE_AFTER_END_DATE');
  assert.equal(campaignAt(created.platform_id).name, 'Plexus launch (Google) v2', 'a refused update changes nothing');
  assert.deepEqual(await stored('campaign', created.platform_id), before);
  const switchChannel = await inj('PATCH', `/v1/ads/campaigns/${created.id}`, { objective: 'DISPLAY' });
  assert.equal(switchChannel.json().error.details.code, 'fieldError.IMMUTABLE_FIELD');
});

test('Google Ads: a deleted campaign is removed with its own budget; its children can no longer change', async () => {
  const res = await inj('POST', '/v1/ads/campaigns', {
    connection_id: ads.conn,
    account_id: customer.id,
    name: 'Plexus short-lived',
    daily_budget_micros: '15000000',
    status: 'active',
  });
  assert.equal(res.statusCode, 201, res.body);
  const doomed = res.json();
  const budgetId = campaignAt(doomed.platform_id).budgetId;
  const del = await inj('DELETE', `/v1/ads/campaigns/${doomed.id}`);
  assert.equal(del.statusCode, 200, del.body);
  assert.equal(campaignAt(doomed.platform_id).status, 'REMOVED');
  assert.equal(sb.world().budgets.get(budgetId)?.status, 'REMOVED');
  const row = await stored('campaign', doomed.platform_id);
  assert.equal(row.status, 'deleted');
  assert.ok(row.deleted_at);
  assert.equal((await inj('PATCH', `/v1/ads/campaigns/${doomed.id}`, { name: 'gone' })).statusCode, 404);
  last.set(doomed.platform_id, { level: 'campaign', status: 'deleted' });

  // A seeded campaign with live ad groups, removed: its ad groups are frozen at Google.
  const victim = sb
    .world()
    .campaigns.find(
      (c) =>
        c.customerId === customer.id &&
        c.status === 'ENABLED' &&
        c.id !== created.platform_id &&
        sb.world().adGroups.some((g) => g.campaignId === c.id && g.status === 'ENABLED'),
    )!;
  assert.equal((await inj('DELETE', `/v1/ads/campaigns/${unifiedId('campaign', victim.id)}`)).statusCode, 200);
  const orphan = sb.world().adGroups.find((g) => g.campaignId === victim.id && g.status === 'ENABLED')!;
  const frozen = await inj('POST', `/v1/ads/ad-groups/${unifiedId('ad_group', orphan.id)}/pause`);
  assert.equal(frozen.statusCode, 422, frozen.body);
  assert.equal(
    frozen.json().error.details.code,
    'operationAccessDeniedError.OPERATION_NOT_PERMITTED_FOR_REMOVED_RESOURCE',
  );
});

test('Google Ads: a sync afterwards reads back exactly what the writes stored', async () => {
  const before = await stored('campaign', created.platform_id);
  await ads.sync('test', { historyDays: 3 });
  assert.deepEqual(await stored('campaign', created.platform_id), before, 'the written campaign, field for field');
  assert.equal(last.size, 4);
  for (const [platformId, { level, status }] of last)
    assert.equal((await stored(level, platformId)).status, status, `${level} ${platformId}`);
});
