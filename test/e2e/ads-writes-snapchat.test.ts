import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sandbox as snapSandbox, type SnapchatRunningSandbox } from '../../src/providers/snapchat/sandbox.ts';
import { snapchatAdsSync } from '../../src/providers/snapchat/sync.ts';
import { adsWrites } from '../helpers/ads-writes.ts';

let sb: SnapchatRunningSandbox;
let accountId: string;
const ads = adsWrites();
const { inj, unifiedId: idOf, stored } = ads;

before(async () => {
  sb = await snapSandbox.start({ seed: 33, size: 1500 });
  const { accessToken, refreshToken } = sb.mintToken({ ttlSeconds: 86_400 });
  await ads.open({
    env: {
      PLEXUS_SNAPCHAT_CLIENT_ID: sb.clientId,
      PLEXUS_SNAPCHAT_CLIENT_SECRET: sb.clientSecret,
      PLEXUS_SNAPCHAT_BASE_URL: sb.url,
    },
    provider: 'snapchat',
    credentials: { kind: 'oauth2', accessToken, refreshToken },
    connection: { externalId: sb.world().me.organization_id, expiresAt: new Date(Date.now() + 86_400_000) },
    adapter: snapchatAdsSync,
    // Writes go to accounts the unified model knows: sync first.
    firstSync: { reason: 'initial', options: { historyDays: 7 } },
    columns: `name, status::text as status, platform_status, daily_budget_micros::text as daily, lifetime_budget_micros::text as lifetime,
              to_char(start_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as start_at, to_char(end_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as end_at, deleted_at`,
  });
  accountId = sb.world().accounts.find((a) => a.currency === 'USD')!.id;
});
after(async () => {
  await ads.close();
  await sb.close();
});

const campaignAt = (id: string) => sb.world().campaigns.find((c) => c.id === id);

test('Snapchat: a campaign is created with micro-currency budgets and a schedule, then renamed, re-budgeted, rescheduled, paused, resumed and deleted', async () => {
  const created = await inj('POST', '/v1/ads/campaigns', {
    connection_id: ads.conn,
    account_id: accountId,
    name: 'Lens launch',
    objective: 'WEB_CONVERSION',
    daily_budget_micros: '25000000',
    lifetime_budget_micros: '500000000',
    start_at: '2030-03-01T08:00:00Z',
    end_at: '2030-04-01T08:00:00Z',
  });
  assert.equal(created.statusCode, 201, created.body);
  const c = created.json();
  assert.deepEqual([c.status, c.daily_budget_micros, c.lifetime_budget_micros], ['paused', '25000000', '500000000']);
  // At the platform: *_micro (1.00 = 1,000,000), the unified lifetime budget as the lifetime spend cap.
  const at = campaignAt(c.platform_id)!;
  assert.deepEqual(
    [
      at.daily_budget_micro,
      at.lifetime_spend_cap_micro,
      at.status,
      at.objective,
      at.start_time,
      at.end_time,
      at.ad_account_id,
    ],
    [
      25_000_000,
      500_000_000,
      'PAUSED',
      'WEB_CONVERSION',
      '2030-03-01T08:00:00.000Z',
      '2030-04-01T08:00:00.000Z',
      accountId,
    ],
  );
  assert.deepEqual(await stored('campaign', c.platform_id), {
    name: 'Lens launch',
    status: 'paused',
    platform_status: 'PAUSED',
    daily: '25000000',
    lifetime: '500000000',
    start_at: '2030-03-01T08:00:00',
    end_at: '2030-04-01T08:00:00',
    deleted_at: null,
  });

  const updated = await inj('PATCH', `/v1/ads/campaigns/${c.id}`, {
    name: 'Lens launch EU',
    daily_budget_micros: '40000000',
    end_at: '2030-05-01T08:00:00Z',
  });
  assert.equal(updated.statusCode, 200, updated.body);
  const now = campaignAt(c.platform_id)!;
  assert.deepEqual(
    [now.name, now.daily_budget_micro, now.end_time],
    ['Lens launch EU', 40_000_000, '2030-05-01T08:00:00.000Z'],
  );
  assert.deepEqual(
    [now.lifetime_spend_cap_micro, now.objective, now.start_time],
    [500_000_000, 'WEB_CONVERSION', '2030-03-01T08:00:00.000Z'],
    'the whole entity went back, so nothing else was lost',
  );
  assert.deepEqual(await stored('campaign', c.platform_id), {
    name: 'Lens launch EU',
    status: 'paused',
    platform_status: 'PAUSED',
    daily: '40000000',
    lifetime: '500000000',
    start_at: '2030-03-01T08:00:00',
    end_at: '2030-05-01T08:00:00',
    deleted_at: null,
  });

  const resumed = await inj('POST', `/v1/ads/campaigns/${c.id}/resume`);
  assert.equal(resumed.statusCode, 200, resumed.body);
  assert.equal(resumed.json().status, 'active');
  assert.equal(campaignAt(c.platform_id)!.status, 'ACTIVE');
  assert.equal((await stored('campaign', c.platform_id)).status, 'active');
  assert.equal((await inj('POST', `/v1/ads/campaigns/${c.id}/pause`)).json().status, 'paused');
  assert.equal(campaignAt(c.platform_id)!.status, 'PAUSED');

  const deleted = await inj('DELETE', `/v1/ads/campaigns/${c.id}`);
  assert.equal(deleted.statusCode, 200, deleted.body);
  assert.equal(campaignAt(c.platform_id)!.deleted, true);
  assert.equal((await stored('campaign', c.platform_id)).status, 'deleted');
  assert.equal((await inj('PATCH', `/v1/ads/campaigns/${c.id}`, { name: 'gone' })).statusCode, 404);
});

test('Snapchat: ad squads and ads pause and resume with a PUT of the whole entity under their parent', async () => {
  const liveAd = (squadId: string) =>
    sb
      .world()
      .ads.find(
        (a) => !a.deleted && a.status === 'ACTIVE' && a.review_status === 'APPROVED' && a.ad_squad_id === squadId,
      );
  const squad = sb
    .world()
    .adsquads.find(
      (q) =>
        !q.deleted &&
        q.status === 'ACTIVE' &&
        liveAd(q.id) &&
        sb.world().campaigns.find((c) => c.id === q.campaign_id)?.ad_account_id === accountId,
    )!;
  const squadBefore = { ...squad };
  const paused = await inj('POST', `/v1/ads/ad-groups/${idOf('ad_group', squad.id)}/pause`);
  assert.equal(paused.statusCode, 200, paused.body);
  assert.equal(paused.json().status, 'paused');
  assert.equal(squad.status, 'PAUSED');
  assert.deepEqual(
    [squad.name, squad.daily_budget_micro, squad.lifetime_budget_micro, squad.start_time, squad.targeting],
    [
      squadBefore.name,
      squadBefore.daily_budget_micro,
      squadBefore.lifetime_budget_micro,
      squadBefore.start_time,
      squadBefore.targeting,
    ],
  );
  assert.equal((await stored('ad_group', squad.id)).status, 'paused');
  assert.equal((await inj('POST', `/v1/ads/ad-groups/${idOf('ad_group', squad.id)}/resume`)).json().status, 'active');
  assert.equal(squad.status, 'ACTIVE');

  const ad = liveAd(squad.id)!;
  const adPaused = await inj('POST', `/v1/ads/ads/${idOf('ad', ad.id)}/pause`);
  assert.equal(adPaused.statusCode, 200, adPaused.body);
  assert.equal(adPaused.json().status, 'paused');
  assert.equal(ad.status, 'PAUSED');
  assert.equal((await stored('ad', ad.id)).status, 'paused');
  const adResumed = await inj('POST', `/v1/ads/ads/${idOf('ad', ad.id)}/resume`);
  assert.equal(adResumed.json().status, 'active');
  assert.equal(ad.status, 'ACTIVE');
  assert.equal((await stored('ad', ad.id)).status, 'active');
  assert.equal(sb.requests.count({ method: 'PUT', pathPrefix: `/v1/adsquads/${squad.id}/ads` }), 2);
});

test("Snapchat: the platform's validation errors come back as 422 with its message and E-code; nothing is written", async () => {
  const campaigns = sb.world().campaigns.length;
  const tooSmall = await inj('POST', '/v1/ads/campaigns', {
    connection_id: ads.conn,
    account_id: accountId,
    name: 'Tiny',
    daily_budget_micros: '5000000',
  });
  assert.equal(tooSmall.statusCode, 422, tooSmall.body);
  assert.equal(tooSmall.json().error.code, 'provider.invalid_request');
  assert.match(tooSmall.json().error.message, /daily_budget_micro 5000000 is below the minimum of 20000000/);
  assert.deepEqual(tooSmall.json().error.details, { status: 400, code: 'E2003' });

  const backwards = await inj('POST', '/v1/ads/campaigns', {
    connection_id: ads.conn,
    account_id: accountId,
    name: 'Backwards',
    start_at: '2030-06-01T00:00:00Z',
    end_at: '2030-05-01T00:00:00Z',
  });
  assert.equal(backwards.statusCode, 422, backwards.body);
  assert.match(backwards.json().error.message, /end_time .* must be after start_time/);
  assert.equal(backwards.json().error.details.code, 'E2002');

  const badObjective = await inj('POST', '/v1/ads/campaigns', {
    connection_id: ads.conn,
    account_id: accountId,
    name: 'Odd',
    objective: 'FAME',
  });
  assert.equal(badObjective.statusCode, 422, badObjective.body);
  assert.match(badObjective.json().error.message, /Invalid objective FAME/);
  assert.equal(sb.world().campaigns.length, campaigns, 'no campaign was created');

  const existing = sb
    .world()
    .campaigns.find((c) => !c.deleted && c.ad_account_id === accountId && c.daily_budget_micro !== undefined)!;
  const before = { ...existing };
  const stillBefore = await stored('campaign', existing.id);
  const bad = await inj('PATCH', `/v1/ads/campaigns/${idOf('campaign', existing.id)}`, {
    end_at: '2001-01-01T00:00:00Z',
  });
  assert.equal(bad.statusCode, 422, bad.body);
  assert.equal(bad.json().error.details.code, 'E2002');
  assert.deepEqual(campaignAt(existing.id), before, 'unchanged at the platform');
  assert.deepEqual(await stored('campaign', existing.id), stillBefore, 'unchanged in the model');
});

test('Snapchat: a sync after the writes agrees with what they stored', async () => {
  const created = (
    await inj('POST', '/v1/ads/campaigns', {
      connection_id: ads.conn,
      account_id: accountId,
      name: 'Agreed',
      status: 'active',
      daily_budget_micros: '21000000',
      start_at: '2030-01-01T00:00:00Z',
    })
  ).json();
  await inj('PATCH', `/v1/ads/campaigns/${created.id}`, {
    name: 'Agreed, renamed',
    lifetime_budget_micros: '900000000',
    end_at: '2030-02-01T00:00:00Z',
  });
  const squad = sb
    .world()
    .adsquads.find(
      (q) =>
        !q.deleted &&
        q.status === 'ACTIVE' &&
        sb.world().campaigns.find((c) => c.id === q.campaign_id)?.ad_account_id === accountId,
    )!;
  await inj('POST', `/v1/ads/ad-groups/${idOf('ad_group', squad.id)}/pause`);
  const ad = sb
    .world()
    .ads.find(
      (a) => !a.deleted && a.status === 'ACTIVE' && a.review_status === 'APPROVED' && a.ad_squad_id !== squad.id,
    )!;
  await inj('POST', `/v1/ads/ads/${idOf('ad', ad.id)}/pause`);

  const afterWrites = [
    await stored('campaign', created.platform_id),
    await stored('ad_group', squad.id),
    await stored('ad', ad.id),
  ];
  assert.deepEqual(
    afterWrites.map((e) => e.status),
    ['active', 'paused', 'paused'],
  );
  const r = await ads.sync('test');
  assert.equal(
    (await ads.ctx.db.owner.query('select status from sync_runs where id = $1', [r.runId])).rows[0].status,
    'completed',
  );
  assert.deepEqual(
    [await stored('campaign', created.platform_id), await stored('ad_group', squad.id), await stored('ad', ad.id)],
    afterWrites,
  );
});
