import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox as xSandbox, type XRunningSandbox } from '../../src/providers/x/sandbox.ts';
import { xAdsSync } from '../../src/providers/x/sync.ts';
import { adsWrites } from '../helpers/ads-writes.ts';

let sb: XRunningSandbox;
let accountId: string;
const ads = adsWrites();
const { inj, unifiedId: idOf, stored } = ads;

const noWait = { sleep: async () => undefined };

before(async () => {
  sb = await xSandbox.start({ seed: 43, size: 800 });
  const t = sb.mintToken();
  await ads.open({
    env: { PLEXUS_X_CLIENT_ID: sb.consumerKey, PLEXUS_X_CLIENT_SECRET: sb.consumerSecret, PLEXUS_X_BASE_URL: sb.url },
    provider: 'x',
    credentials: { kind: 'oauth1a', accessToken: t.token, tokenSecret: t.secret },
    connection: { externalId: sb.world().accounts[0]!.id },
    adapter: xAdsSync,
    // Writes go to accounts the unified model knows: sync first.
    firstSync: { reason: 'initial', options: { historyDays: 7, ...noWait } },
    columns:
      'name, status::text as status, platform_status, daily_budget_micros::text as daily, lifetime_budget_micros::text as lifetime, deleted_at',
  });
  accountId = sb.world().accounts.find((a) => a.currency === 'USD')!.id;
});
after(async () => {
  await ads.close();
  await sb.close();
});

const campaignAt = (id: string) => sb.world().campaigns.find((c) => c.id === id);

test('X: a campaign is created with its budget in local micros, renamed, re-budgeted, paused, resumed and deleted; ad_entities follow each write', async () => {
  const created = await inj('POST', '/v1/ads/campaigns', {
    connection_id: ads.conn,
    account_id: accountId,
    name: 'Launch on X',
    status: 'paused',
    daily_budget_micros: '25500000',
    lifetime_budget_micros: '300000000',
  });
  assert.equal(created.statusCode, 201, created.body);
  const c = created.json();
  assert.deepEqual([c.status, c.daily_budget_micros, c.lifetime_budget_micros], ['paused', '25500000', '300000000']);
  // At the platform: *_local_micro are micros for every currency, the account's funding instrument pays.
  const at = campaignAt(c.platform_id)!;
  assert.equal(at.daily_budget_amount_local_micro, 25_500_000);
  assert.equal(at.total_budget_amount_local_micro, 300_000_000);
  assert.equal(at.entity_status, 'PAUSED');
  assert.equal(at.funding_instrument_id, sb.world().instruments.get(accountId));
  const post = sb.requests.entries({ method: 'POST', pathPrefix: `/12/accounts/${accountId}/campaigns` }).at(-1)!;
  assert.equal(post.status, 200, 'the signed form POST was accepted');
  assert.deepEqual(await stored('campaign', c.platform_id), {
    name: 'Launch on X',
    status: 'paused',
    platform_status: 'PAUSED',
    daily: '25500000',
    lifetime: '300000000',
    deleted_at: null,
  });

  const updated = await inj('PATCH', `/v1/ads/campaigns/${c.id}`, {
    name: 'Launch on X, take 2',
    daily_budget_micros: '40000000',
  });
  assert.equal(updated.statusCode, 200, updated.body);
  assert.equal(campaignAt(c.platform_id)!.name, 'Launch on X, take 2');
  assert.equal(campaignAt(c.platform_id)!.daily_budget_amount_local_micro, 40_000_000);
  assert.equal(
    campaignAt(c.platform_id)!.total_budget_amount_local_micro,
    300_000_000,
    'PUT changes only what was sent',
  );
  assert.deepEqual(await stored('campaign', c.platform_id), {
    name: 'Launch on X, take 2',
    status: 'paused',
    platform_status: 'PAUSED',
    daily: '40000000',
    lifetime: '300000000',
    deleted_at: null,
  });

  // X campaigns carry no schedule (line items do): refused, not silently dropped.
  const schedule = await inj('PATCH', `/v1/ads/campaigns/${c.id}`, { end_at: '2031-01-01T00:00:00Z' });
  assert.equal(schedule.statusCode, 422, schedule.body);
  assert.equal(schedule.json().error.code, 'unprocessable');
  assert.match(schedule.json().error.message, /line items/);

  const resumed = await inj('POST', `/v1/ads/campaigns/${c.id}/resume`);
  assert.equal(resumed.statusCode, 200, resumed.body);
  assert.equal(resumed.json().status, 'active');
  assert.equal(campaignAt(c.platform_id)!.entity_status, 'ACTIVE');
  assert.equal((await stored('campaign', c.platform_id)).status, 'active');
  const paused = await inj('POST', `/v1/ads/campaigns/${c.id}/pause`);
  assert.equal(paused.json().status, 'paused');
  assert.equal(campaignAt(c.platform_id)!.entity_status, 'PAUSED');

  const deleted = await inj('DELETE', `/v1/ads/campaigns/${c.id}`);
  assert.equal(deleted.statusCode, 200, deleted.body);
  assert.equal(campaignAt(c.platform_id)!.deleted, true);
  assert.equal((await stored('campaign', c.platform_id)).status, 'deleted');
  assert.equal((await inj('DELETE', `/v1/ads/campaigns/${c.id}`)).statusCode, 404);
});

test('X: line items (ad groups) pause and resume with PUT entity_status; a single promoted tweet cannot be paused on X', async () => {
  const li = sb
    .world()
    .lineItems.find((l) => !l.deleted && l.entity_status === 'ACTIVE' && l.account_id === accountId)!;
  const paused = await inj('POST', `/v1/ads/ad-groups/${idOf('ad_group', li.id)}/pause`);
  assert.equal(paused.statusCode, 200, paused.body);
  assert.equal(paused.json().status, 'paused');
  assert.equal(li.entity_status, 'PAUSED');
  assert.equal((await stored('ad_group', li.id)).status, 'paused');
  const resumed = await inj('POST', `/v1/ads/ad-groups/${idOf('ad_group', li.id)}/resume`);
  assert.equal(resumed.json().status, 'active');
  assert.equal(li.entity_status, 'ACTIVE');
  assert.equal((await stored('ad_group', li.id)).status, 'active');

  // ads.md §5.3: promoted_tweets have no PUT (the platform answers 405); pausing happens on the line item.
  const pt = sb.world().promotedTweets.find((t) => !t.deleted && t.line_item_id === li.id)!;
  const before = pt.entity_status;
  const refused = await inj('POST', `/v1/ads/ads/${idOf('ad', pt.id)}/pause`);
  assert.equal(refused.statusCode, 422, refused.body);
  assert.equal(refused.json().error.code, 'unprocessable');
  assert.match(refused.json().error.message, /line item/);
  assert.equal(pt.entity_status, before);
  assert.equal(
    sb.requests.count({ method: 'PUT', pathIncludes: '/promoted_tweets/' }),
    0,
    'no call the platform would refuse',
  );
});

test("X: the platform's validation errors come back as 422 with X's message and code; nothing is written", async () => {
  const campaigns = sb.world().campaigns.length;
  const tooSmall = await inj('POST', '/v1/ads/campaigns', {
    connection_id: ads.conn,
    account_id: accountId,
    name: 'Tiny',
    daily_budget_micros: '500000',
  });
  assert.equal(tooSmall.statusCode, 422, tooSmall.body);
  assert.equal(tooSmall.json().error.code, 'provider.invalid_request');
  assert.match(tooSmall.json().error.message, /daily_budget_amount_local_micro must be at least 1000000/);
  assert.deepEqual(tooSmall.json().error.details, {
    status: 400,
    code: 'INVALID_PARAMETER',
    parameter: 'daily_budget_amount_local_micro',
  });

  const over = await inj('POST', '/v1/ads/campaigns', {
    connection_id: ads.conn,
    account_id: accountId,
    name: 'Over',
    daily_budget_micros: '90000000',
    lifetime_budget_micros: '50000000',
  });
  assert.equal(over.statusCode, 422, over.body);
  assert.match(over.json().error.message, /less than or equal to total_budget_amount_local_micro/);

  const longName = await inj('POST', '/v1/ads/campaigns', {
    connection_id: ads.conn,
    account_id: accountId,
    name: 'x'.repeat(300),
  });
  assert.equal(longName.statusCode, 422, longName.body);
  assert.equal(longName.json().error.details.parameter, 'name');
  assert.equal(sb.world().campaigns.length, campaigns, 'no campaign was created');

  const existing = (
    await ads.ctx.db.owner.query(
      "select platform_id, daily_budget_micros::text as daily from ad_entities where level = 'campaign' and account_platform_id = $1 and status = 'active' and daily_budget_micros is not null limit 1",
      [accountId],
    )
  ).rows[0];
  const bad = await inj('PATCH', `/v1/ads/campaigns/${idOf('campaign', existing.platform_id)}`, {
    daily_budget_micros: '999',
  });
  assert.equal(bad.statusCode, 422, bad.body);
  assert.equal(bad.json().error.details.code, 'INVALID_PARAMETER');
  assert.equal(
    String(campaignAt(existing.platform_id)!.daily_budget_amount_local_micro),
    existing.daily,
    'unchanged at the platform',
  );
  assert.equal((await stored('campaign', existing.platform_id)).daily, existing.daily, 'unchanged in the model');
});

test('X: a sync after the writes agrees with what they stored', async () => {
  const created = (
    await inj('POST', '/v1/ads/campaigns', {
      connection_id: ads.conn,
      account_id: accountId,
      name: 'Agreed',
      status: 'active',
      daily_budget_micros: '12340000',
    })
  ).json();
  await inj('PATCH', `/v1/ads/campaigns/${created.id}`, {
    name: 'Agreed, renamed',
    lifetime_budget_micros: '700000000',
  });
  const li = sb
    .world()
    .lineItems.find((l) => !l.deleted && l.entity_status === 'ACTIVE' && l.account_id === accountId)!;
  await inj('POST', `/v1/ads/ad-groups/${idOf('ad_group', li.id)}/pause`);
  const doomed = sb
    .world()
    .campaigns.find(
      (c) =>
        !c.deleted &&
        c.id !== li.campaign_id &&
        c.account_id === accountId &&
        sb.world().lineItems.some((l) => l.campaign_id === c.id && !l.deleted),
    )!;
  assert.equal((await inj('DELETE', `/v1/ads/campaigns/${idOf('campaign', doomed.id)}`)).statusCode, 200);

  const afterWrites = {
    campaign: await stored('campaign', created.platform_id),
    adGroup: await stored('ad_group', li.id),
    deleted: await stored('campaign', doomed.id),
  };
  assert.deepEqual(
    [afterWrites.campaign.name, afterWrites.campaign.status, afterWrites.campaign.daily, afterWrites.campaign.lifetime],
    ['Agreed, renamed', 'active', '12340000', '700000000'],
  );
  const r = await ads.sync('test', noWait);
  assert.equal(
    (await ads.ctx.db.owner.query('select status from sync_runs where id = $1', [r.runId])).rows[0].status,
    'completed',
  );
  assert.deepEqual(await stored('campaign', created.platform_id), afterWrites.campaign);
  assert.deepEqual(await stored('ad_group', li.id), afterWrites.adGroup);
  assert.equal((await stored('campaign', doomed.id)).status, 'deleted');
  assert.ok((await stored('campaign', doomed.id)).deleted_at);
  const orphans = await ads.ctx.db.owner.query(
    "select count(*)::int as n from ad_entities where level = 'ad_group' and parent_platform_id = $1 and status <> 'deleted'",
    [doomed.id],
  );
  assert.equal(orphans.rows[0].n, 0, "the deleted campaign's line items are gone after the sync");
});
