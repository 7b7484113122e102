import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { tiktokAdsSync } from '../../src/providers/tiktok/sync.ts';
import { sandbox as tiktokSandbox, type TikTokRunningSandbox } from '../../src/providers/tiktok/sandbox.ts';
import type { Advertiser } from '../../src/providers/tiktok/sandbox/world.ts';
import { adsWrites } from '../helpers/ads-writes.ts';

let sb: TikTokRunningSandbox;
let adv: Advertiser;
const ads = adsWrites();
const { inj, unifiedId, stored } = ads;

before(async () => {
  sb = await tiktokSandbox.start({ seed: 33, size: 3000 });
  await ads.open({
    env: { PLEXUS_TIKTOK_CLIENT_ID: sb.appId, PLEXUS_TIKTOK_CLIENT_SECRET: sb.secret, PLEXUS_TIKTOK_BASE_URL: sb.url },
    provider: 'tiktok',
    credentials: { kind: 'oauth2', accessToken: sb.mintToken() },
    connection: { externalId: sb.advertiserIds()[0]! },
    adapter: tiktokAdsSync,
    firstSync: { options: { historyDays: 3 } },
  });
  adv = sb.world().advertisers.find((a) => a.currency === 'USD')!;
});
after(async () => {
  await ads.close();
  await sb.close();
});

const campaignAt = (id: string) => sb.world().campaigns.find((c) => c.campaign_id === id)!;

let created: { id: string; platform_id: string };
/** What the writes left, per entity, for the final sync to agree with. */
const last = new Map<string, { level: string; status: string }>();
/** Campaigns holding something written above: deleting one would change what the final sync expects. */
const touched = new Set<string>();

test('TikTok: a campaign is created with a daily budget as a float in major units, disabled until resumed', async () => {
  const res = await inj('POST', '/v1/ads/campaigns', {
    connection_id: ads.conn,
    account_id: adv.advertiser_id,
    name: 'Plexus launch (TikTok)',
    daily_budget_micros: '75500000',
  });
  assert.equal(res.statusCode, 201, res.body);
  created = res.json();
  assert.equal(res.json().status, 'paused');
  assert.equal(res.json().daily_budget_micros, '75500000');
  const c = campaignAt(created.platform_id);
  assert.deepEqual(
    {
      name: c.campaign_name,
      budget: c.budget,
      mode: c.budget_mode,
      op: c.operation_status,
      objective: c.objective_type,
    },
    { name: 'Plexus launch (TikTok)', budget: 75.5, mode: 'BUDGET_MODE_DAY', op: 'DISABLE', objective: 'TRAFFIC' },
    'the platform holds 75.5 in the advertiser currency, not micros',
  );
  const row = await stored('campaign', created.platform_id);
  assert.deepEqual(
    [row.name, row.status, row.daily, row.platform_status],
    ['Plexus launch (TikTok)', 'paused', '75500000', 'CAMPAIGN_STATUS_DISABLE'],
    'the stored model reflects the write at once',
  );
});

test('TikTok: name and budget change through campaign/update; a schedule is refused, as campaigns have none', async () => {
  const res = await inj('PATCH', `/v1/ads/campaigns/${created.id}`, {
    name: 'Plexus launch (TikTok) v2',
    daily_budget_micros: '120250000',
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().daily_budget_micros, '120250000');
  const c = campaignAt(created.platform_id);
  assert.deepEqual([c.campaign_name, c.budget], ['Plexus launch (TikTok) v2', 120.25]);
  const row = await stored('campaign', created.platform_id);
  assert.deepEqual([row.name, row.daily], ['Plexus launch (TikTok) v2', '120250000']);

  const schedule = await inj('PATCH', `/v1/ads/campaigns/${created.id}`, {
    name: 'Not applied',
    start_at: '2030-01-01T00:00:00Z',
  });
  assert.equal(schedule.statusCode, 422, schedule.body);
  assert.equal(schedule.json().error.code, 'unprocessable');
  assert.match(schedule.json().error.message, /per ad group/);
  assert.equal(schedule.json().error.details.field, 'start_at');
  assert.equal(campaignAt(created.platform_id).campaign_name, 'Plexus launch (TikTok) v2', 'nothing was sent');
});

test('TikTok: campaigns, ad groups and ads pause and resume through their status endpoints; a campaign pause shows on its children', async () => {
  const resumed = await inj('POST', `/v1/ads/campaigns/${created.id}/resume`);
  assert.equal(resumed.statusCode, 200, resumed.body);
  assert.equal(resumed.json().status, 'active');
  assert.deepEqual(
    [campaignAt(created.platform_id).operation_status, campaignAt(created.platform_id).secondary_status],
    ['ENABLE', 'CAMPAIGN_STATUS_ENABLE'],
  );
  assert.equal((await stored('campaign', created.platform_id)).status, 'active');
  last.set(created.platform_id, { level: 'campaign', status: 'active' });

  const w = sb.world();
  const group = w.adgroups.find(
    (g) => g.advertiser_id === adv.advertiser_id && g.secondary_status === 'ADGROUP_STATUS_DELIVERY_OK',
  )!;
  const paused = await inj('POST', `/v1/ads/ad-groups/${unifiedId('ad_group', group.adgroup_id)}/pause`);
  assert.equal(paused.statusCode, 200, paused.body);
  assert.equal(paused.json().status, 'paused');
  assert.deepEqual([group.operation_status, group.secondary_status], ['DISABLE', 'ADGROUP_STATUS_DISABLE']);
  assert.equal((await stored('ad_group', group.adgroup_id)).status, 'paused');
  const back = await inj('POST', `/v1/ads/ad-groups/${unifiedId('ad_group', group.adgroup_id)}/resume`);
  assert.equal(back.json().status, 'active');
  assert.equal(group.secondary_status, 'ADGROUP_STATUS_DELIVERY_OK');
  last.set(group.adgroup_id, { level: 'ad_group', status: 'active' });

  const ad = w.ads.find(
    (a) =>
      a.advertiser_id === adv.advertiser_id &&
      a.secondary_status === 'AD_STATUS_DELIVERY_OK' &&
      a.adgroup_id !== group.adgroup_id,
  )!;
  const adPaused = await inj('POST', `/v1/ads/ads/${unifiedId('ad', ad.ad_id)}/pause`);
  assert.equal(adPaused.statusCode, 200, adPaused.body);
  assert.deepEqual([ad.operation_status, ad.secondary_status], ['DISABLE', 'AD_STATUS_DISABLE']);
  assert.equal((await stored('ad', ad.ad_id)).status, 'paused');
  const adBack = await inj('POST', `/v1/ads/ads/${unifiedId('ad', ad.ad_id)}/resume`);
  assert.equal(adBack.json().status, 'active');
  const adAgain = await inj('POST', `/v1/ads/ads/${unifiedId('ad', ad.ad_id)}/pause`);
  assert.equal(adAgain.json().status, 'paused');
  last.set(ad.ad_id, { level: 'ad', status: 'paused' });
  touched.add(group.campaign_id).add(ad.campaign_id);

  // Pausing a seeded campaign: its enabled ad groups now read ADGROUP_STATUS_CAMPAIGN_DISABLE.
  const parent = w.campaigns.find(
    (c) =>
      c.campaign_id !== group.campaign_id &&
      c.campaign_id !== ad.campaign_id &&
      c.advertiser_id === adv.advertiser_id &&
      c.secondary_status === 'CAMPAIGN_STATUS_ENABLE' &&
      w.adgroups.some((g) => g.campaign_id === c.campaign_id && g.secondary_status === 'ADGROUP_STATUS_DELIVERY_OK'),
  )!;
  const child = w.adgroups.find(
    (g) => g.campaign_id === parent.campaign_id && g.secondary_status === 'ADGROUP_STATUS_DELIVERY_OK',
  )!;
  assert.equal(
    (await inj('POST', `/v1/ads/campaigns/${unifiedId('campaign', parent.campaign_id)}/pause`)).statusCode,
    200,
  );
  assert.deepEqual([child.operation_status, child.secondary_status], ['ENABLE', 'ADGROUP_STATUS_CAMPAIGN_DISABLE']);
  last.set(parent.campaign_id, { level: 'campaign', status: 'paused' });
  // The stored child learns it on the next sync (below).
  last.set(child.adgroup_id, { level: 'ad_group', status: 'paused' });
});

test("TikTok: platform validation errors (code 40002 inside HTTP 200) come back 422 with TikTok's message and code", async () => {
  const count = sb.world().campaigns.length;
  const create = (extra: object) =>
    inj('POST', '/v1/ads/campaigns', {
      connection_id: ads.conn,
      account_id: adv.advertiser_id,
      name: 'Plexus invalid',
      ...extra,
    });
  const small = await create({ daily_budget_micros: '10000000' });
  assert.equal(small.statusCode, 422, small.body);
  assert.equal(small.json().error.code, 'provider.invalid_request');
  assert.match(small.json().error.message, /budget: The campaign budget must be at least 50\.00 USD/);
  assert.equal(small.json().error.details.code, 40002);
  const decimals = await create({ daily_budget_micros: '50125000' });
  assert.match(decimals.json().error.message, /At most 2 decimal places/);
  const objective = await create({ objective: 'BILLBOARD', daily_budget_micros: '60000000' });
  assert.match(objective.json().error.message, /^objective_type: Must be one of/);
  const long = await create({ name: 'x'.repeat(400) + 'y'.repeat(200) });
  assert.equal(long.statusCode, 400, 'the unified API itself caps names at 400 characters');
  assert.equal(sb.world().campaigns.length, count, 'no campaign was made');

  // The budget mode is fixed once a campaign exists: a daily campaign cannot take a total budget.
  const before = await stored('campaign', created.platform_id);
  const mode = await inj('PATCH', `/v1/ads/campaigns/${created.id}`, { lifetime_budget_micros: '900000000' });
  assert.equal(mode.statusCode, 422, mode.body);
  assert.match(mode.json().error.message, /budget_mode: The budget mode of a campaign cannot be changed/);
  assert.equal(campaignAt(created.platform_id).budget, 120.25);
  assert.deepEqual(
    await stored('campaign', created.platform_id),
    before,
    'a refused write leaves the stored model alone',
  );
});

test('TikTok: a deleted campaign reads CAMPAIGN_STATUS_DELETE with its children; they can no longer change', async () => {
  const w = sb.world();
  const doomed = w.campaigns.find(
    (c) =>
      c.advertiser_id === adv.advertiser_id &&
      c.secondary_status === 'CAMPAIGN_STATUS_ENABLE' &&
      !last.has(c.campaign_id) &&
      !touched.has(c.campaign_id) &&
      w.adgroups.some((g) => g.campaign_id === c.campaign_id && !/DELETE/.test(g.secondary_status)),
  )!;
  const del = await inj('DELETE', `/v1/ads/campaigns/${unifiedId('campaign', doomed.campaign_id)}`);
  assert.equal(del.statusCode, 200, del.body);
  assert.equal(doomed.secondary_status, 'CAMPAIGN_STATUS_DELETE');
  const row = await stored('campaign', doomed.campaign_id);
  assert.equal(row.status, 'deleted');
  assert.ok(row.deleted_at);
  last.set(doomed.campaign_id, { level: 'campaign', status: 'deleted' });
  const orphan = w.adgroups.find(
    (g) => g.campaign_id === doomed.campaign_id && g.secondary_status === 'ADGROUP_STATUS_CAMPAIGN_DELETE',
  )!;
  assert.ok(orphan, 'its ad groups went with it');
  const frozen = await inj('POST', `/v1/ads/ad-groups/${unifiedId('ad_group', orphan.adgroup_id)}/resume`);
  assert.equal(frozen.statusCode, 422, frozen.body);
  assert.match(frozen.json().error.message, /has been deleted/);
  last.set(orphan.adgroup_id, { level: 'ad_group', status: 'deleted' });
  assert.equal(
    (await inj('PATCH', `/v1/ads/campaigns/${unifiedId('campaign', doomed.campaign_id)}`, { name: 'gone' })).statusCode,
    404,
  );
});

test('TikTok: a sync afterwards agrees with every write', async () => {
  const before = await stored('campaign', created.platform_id);
  await ads.sync('test', { historyDays: 3 });
  assert.deepEqual(await stored('campaign', created.platform_id), before, 'the written campaign, field for field');
  for (const [platformId, { level, status }] of last)
    assert.equal((await stored(level, platformId)).status, status, `${level} ${platformId}`);
});
