import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { linkedinAdsSync } from '../../src/providers/linkedin/sync.ts';
import { sandbox as linkedinSandbox, type LinkedInRunningSandbox } from '../../src/providers/linkedin/sandbox.ts';
import type { AdAccount } from '../../src/providers/linkedin/sandbox/world.ts';
import { adsWrites } from '../helpers/ads-writes.ts';

let sb: LinkedInRunningSandbox;
let account: AdAccount;
const ads = adsWrites();
const { inj, unifiedId, stored } = ads;

before(async () => {
  sb = await linkedinSandbox.start({ seed: 43, size: 1500 });
  await ads.open({
    env: {
      PLEXUS_LINKEDIN_CLIENT_ID: sb.clientId,
      PLEXUS_LINKEDIN_CLIENT_SECRET: sb.clientSecret,
      PLEXUS_LINKEDIN_BASE_URL: sb.url,
    },
    provider: 'linkedin',
    credentials: { kind: 'oauth2', accessToken: sb.mintToken() },
    connection: { externalId: String(sb.world().accounts[0]!.id), expiresAt: new Date(Date.now() + 86_400_000) },
    adapter: linkedinAdsSync,
    firstSync: { options: { historyDays: 3 } },
  });
  account = sb.world().accounts.find((a) => a.currency === 'USD' && a.status === 'ACTIVE')!;
});
after(async () => {
  await ads.close();
  await sb.close();
});

const groupAt = (id: string) => sb.world().groups.find((g) => String(g.id) === id);
const START = Date.parse('2031-03-01T08:00:00.000Z');
const END = Date.parse('2031-06-30T22:00:00.000Z');

let created: { id: string; platform_id: string };
/** What the writes left, per entity, for the final sync to agree with. */
const last = new Map<string, { level: string; status: string }>();

test('LinkedIn: a campaign group is created with a daily budget as a decimal string under Dynamic Group Budget; its id comes from x-restli-id', async () => {
  const res = await inj('POST', '/v1/ads/campaigns', {
    connection_id: ads.conn,
    account_id: String(account.id),
    name: 'Plexus launch (LinkedIn)',
    daily_budget_micros: '25000000',
    start_at: new Date(START).toISOString(),
    end_at: new Date(END).toISOString(),
  });
  assert.equal(res.statusCode, 201, res.body);
  created = res.json();
  assert.equal(res.json().status, 'paused');
  const g = groupAt(created.platform_id)!;
  assert.deepEqual(
    {
      name: g.name,
      status: g.status,
      daily: g.dailyBudget,
      opt: g.budgetOptimization,
      schedule: g.runSchedule,
      account: g.account,
    },
    {
      name: 'Plexus launch (LinkedIn)',
      status: 'PAUSED',
      daily: { amount: '25.00', currencyCode: 'USD' },
      opt: { budgetOptimizationStrategy: 'DYNAMIC' },
      schedule: { start: START, end: END },
      account: `urn:li:sponsoredAccount:${account.id}`,
    },
  );
  const row = await stored('campaign', created.platform_id);
  assert.deepEqual(
    [row.name, row.status, row.daily, row.start_at.getTime(), row.end_at.getTime()],
    ['Plexus launch (LinkedIn)', 'paused', '25000000', START, END],
    'the stored model reflects the write at once',
  );
});

test('LinkedIn: name, daily budget and end date change with one partial update; a total budget replaces the daily one', async () => {
  const newEnd = END + 30 * 86_400_000;
  const res = await inj('PATCH', `/v1/ads/campaigns/${created.id}`, {
    name: 'Plexus launch (LinkedIn) v2',
    daily_budget_micros: '40500000',
    end_at: new Date(newEnd).toISOString(),
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().daily_budget_micros, '40500000');
  const g = groupAt(created.platform_id)!;
  assert.deepEqual(
    [g.name, g.dailyBudget, g.runSchedule],
    ['Plexus launch (LinkedIn) v2', { amount: '40.50', currencyCode: 'USD' }, { start: START, end: newEnd }],
    'the start is kept, the end moved',
  );
  const row = await stored('campaign', created.platform_id);
  assert.deepEqual([row.name, row.daily, row.end_at.getTime()], ['Plexus launch (LinkedIn) v2', '40500000', newEnd]);

  const total = await inj('PATCH', `/v1/ads/campaigns/${created.id}`, { lifetime_budget_micros: '1500000000' });
  assert.equal(total.statusCode, 200, total.body);
  assert.deepEqual([total.json().daily_budget_micros, total.json().lifetime_budget_micros], [null, '1500000000']);
  assert.deepEqual(
    [groupAt(created.platform_id)!.totalBudget, groupAt(created.platform_id)!.dailyBudget],
    [{ amount: '1500.00', currencyCode: 'USD' }, undefined],
  );
  const after = await stored('campaign', created.platform_id);
  assert.deepEqual([after.daily, after.lifetime], [null, '1500000000']);
});

test('LinkedIn: campaign groups, campaigns and creatives pause and resume by partial update (creatives through intendedStatus)', async () => {
  const resumed = await inj('POST', `/v1/ads/campaigns/${created.id}/resume`);
  assert.equal(resumed.statusCode, 200, resumed.body);
  assert.equal(resumed.json().status, 'active');
  assert.equal(groupAt(created.platform_id)!.status, 'ACTIVE');
  assert.equal((await stored('campaign', created.platform_id)).status, 'active');
  last.set(created.platform_id, { level: 'campaign', status: 'active' });

  const w = sb.world();
  const urn = `urn:li:sponsoredAccount:${account.id}`;
  const campaign = w.campaigns.find((c) => c.account === urn && c.status === 'ACTIVE')!;
  const paused = await inj('POST', `/v1/ads/ad-groups/${unifiedId('ad_group', String(campaign.id))}/pause`);
  assert.equal(paused.statusCode, 200, paused.body);
  assert.equal(paused.json().status, 'paused');
  assert.equal(campaign.status, 'PAUSED');
  assert.equal((await stored('ad_group', String(campaign.id))).status, 'paused');
  const back = await inj('POST', `/v1/ads/ad-groups/${unifiedId('ad_group', String(campaign.id))}/resume`);
  assert.equal(back.json().status, 'active');
  assert.equal(campaign.status, 'ACTIVE');
  last.set(String(campaign.id), { level: 'ad_group', status: 'active' });

  const creative = w.creatives.find((c) => c.account === urn && c.intendedStatus === 'ACTIVE' && c.isServing)!;
  const creativeId = creative.id.slice(creative.id.lastIndexOf(':') + 1);
  const adPaused = await inj('POST', `/v1/ads/ads/${unifiedId('ad', creativeId)}/pause`);
  assert.equal(adPaused.statusCode, 200, adPaused.body);
  assert.deepEqual([creative.intendedStatus, creative.isServing], ['PAUSED', false]);
  assert.equal((await stored('ad', creativeId)).status, 'paused');
  const adBack = await inj('POST', `/v1/ads/ads/${unifiedId('ad', creativeId)}/resume`);
  assert.equal(adBack.json().status, 'active');
  const adAgain = await inj('POST', `/v1/ads/ads/${unifiedId('ad', creativeId)}/pause`);
  assert.equal(adAgain.json().status, 'paused');
  last.set(creativeId, { level: 'ad', status: 'paused' });
});

test("LinkedIn: Rest.li validation errors come back 422 with LinkedIn's descriptions, code and field", async () => {
  const groups = sb.world().groups.length;
  const create = (extra: object, acct = account.id) =>
    inj('POST', '/v1/ads/campaigns', {
      connection_id: ads.conn,
      account_id: String(acct),
      name: 'Plexus invalid',
      ...extra,
    });
  const low = await create({ daily_budget_micros: '5000000' });
  assert.equal(low.statusCode, 422, low.body);
  assert.equal(low.json().error.code, 'provider.invalid_request');
  assert.equal(low.json().error.message, 'dailyBudget amount must be at least 10.00 USD');
  assert.deepEqual(low.json().error.details, { status: 400, code: 'FIELD_VALUE_TOO_LOW', field: 'dailyBudget.amount' });

  const two = await create({ name: 'n'.repeat(150), daily_budget_micros: '5000000' });
  assert.equal(two.statusCode, 422, two.body);
  assert.match(
    two.json().error.message,
    /at most 100 characters; dailyBudget amount must be at least 10\.00 USD/,
    'every input error is reported',
  );

  const noEnd = await create({ lifetime_budget_micros: '500000000' });
  assert.match(noEnd.json().error.message, /runSchedule\.end is required when totalBudget is set/);
  assert.equal(noEnd.json().error.details.field, 'runSchedule.end');

  const objective = await create({ objective: 'LEAD_GENERATION', daily_budget_micros: '20000000' });
  assert.equal(objective.statusCode, 201, objective.body);
  const change = await inj('PATCH', `/v1/ads/campaigns/${objective.json().id}`, { objective: 'ENGAGEMENT' });
  assert.equal(change.statusCode, 422, change.body);
  assert.match(change.json().error.message, /objectiveType cannot be changed once set/);
  last.set(objective.json().platform_id, { level: 'campaign', status: 'paused' });

  const viewer = sb.world().accounts.find((a) => a.role === 'VIEWER')!;
  const readOnly = await create({ daily_budget_micros: '20000000' }, viewer.id);
  assert.equal(readOnly.statusCode, 422, readOnly.body);
  assert.match(readOnly.json().error.message, /VIEWER role is read-only/);
  assert.equal(sb.world().groups.length, groups + 1, 'only the valid group was made');

  const before = await stored('campaign', created.platform_id);
  const backwards = await inj('PATCH', `/v1/ads/campaigns/${created.id}`, {
    name: 'Should not stick',
    end_at: new Date(START - 86_400_000).toISOString(),
  });
  assert.equal(backwards.statusCode, 422, backwards.body);
  assert.match(backwards.json().error.message, /runSchedule\.end must be after runSchedule\.start/);
  assert.equal(
    groupAt(created.platform_id)!.name,
    'Plexus launch (LinkedIn) v2',
    'a refused partial update changes nothing',
  );
  assert.deepEqual(await stored('campaign', created.platform_id), before);
});

test('LinkedIn: a draft group is deleted outright; any other group goes to PENDING_DELETION with what sits under it', async () => {
  const res = await inj('POST', '/v1/ads/campaigns', {
    connection_id: ads.conn,
    account_id: String(account.id),
    name: 'Plexus draft',
    daily_budget_micros: '15000000',
  });
  assert.equal(res.statusCode, 201, res.body);
  const draft = res.json();
  // The unified API creates active or paused groups; the advertiser turned this one into a draft in Campaign Manager.
  sb.remote.edit(draft.platform_id, { status: 'DRAFT' });
  const del = await inj('DELETE', `/v1/ads/campaigns/${draft.id}`);
  assert.equal(del.statusCode, 200, del.body);
  assert.equal(groupAt(draft.platform_id), undefined, 'a deleted draft is gone at LinkedIn');
  assert.equal((await stored('campaign', draft.platform_id)).status, 'deleted');
  last.set(draft.platform_id, { level: 'campaign', status: 'deleted' });

  const w = sb.world();
  const urn = `urn:li:sponsoredAccount:${account.id}`;
  const touched = new Set([...last.keys()]);
  const victim = w.groups.find(
    (g) =>
      g.account === urn &&
      g.status === 'ACTIVE' &&
      !touched.has(String(g.id)) &&
      w.campaigns.some(
        (c) => c.campaignGroup === `urn:li:sponsoredCampaignGroup:${g.id}` && !touched.has(String(c.id)),
      ),
  )!;
  const child = w.campaigns.find(
    (c) => c.campaignGroup === `urn:li:sponsoredCampaignGroup:${victim.id}` && !touched.has(String(c.id)),
  )!;
  const gone = await inj('DELETE', `/v1/ads/campaigns/${unifiedId('campaign', String(victim.id))}`);
  assert.equal(gone.statusCode, 200, gone.body);
  assert.deepEqual([victim.status, child.status], ['PENDING_DELETION', 'PENDING_DELETION']);
  last.set(String(victim.id), { level: 'campaign', status: 'deleted' });
  last.set(String(child.id), { level: 'ad_group', status: 'deleted' });
  const frozen = await inj('POST', `/v1/ads/ad-groups/${unifiedId('ad_group', String(child.id))}/resume`);
  assert.equal(frozen.statusCode, 422, frozen.body);
  assert.match(frozen.json().error.message, /being deleted/);
});

test('LinkedIn: a sync afterwards agrees with every write', async () => {
  const before = await stored('campaign', created.platform_id);
  await ads.sync('test', { historyDays: 3 });
  assert.deepEqual(
    await stored('campaign', created.platform_id),
    before,
    'the written campaign group, field for field',
  );
  for (const [platformId, { level, status }] of last)
    assert.equal((await stored(level, platformId)).status, status, `${level} ${platformId}`);
});
