/**
 * A campaign's daily numbers and a day's restatements, read from what a real Meta sync stored
 * (Meta reports per ad, so the campaign's numbers are its ads' sums).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { metaAdsSync } from '../../../providers/meta/sync.ts';
import { sandbox as metaSandbox, type MetaRunningSandbox } from '../../../providers/meta/sandbox.ts';
import { runAdsSync } from '../../../sync/ads/engine.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../../../../test/helpers/app.ts';
import { seedSandboxMetaConnection } from '../../../../test/helpers/connections.ts';

let sb: MetaRunningSandbox;
let ctx: TestContext;
let org: { id: string; key: string };
let other: { id: string; key: string };
let conn: string;

/** One ads sync of the connection, as the worker runs it. */
const syncAds = (opts?: Parameters<typeof runAdsSync>[5]) =>
  runAdsSync(
    { ...ctx.providers, db: ctx.db, keyring: ctx.keyring, log: ctx.log },
    org.id,
    conn,
    metaAdsSync,
    'test',
    opts,
  );

before(async () => {
  sb = await metaSandbox.start({ seed: 7, size: 40 });
  ctx = await createTestContext({
    env: { PLEXUS_META_CLIENT_ID: sb.appId, PLEXUS_META_CLIENT_SECRET: sb.appSecret, PLEXUS_META_BASE_URL: sb.url },
  });
  org = await newOrg(ctx, 'Northwind');
  other = await newOrg(ctx, 'Other');
  conn = await seedSandboxMetaConnection(ctx, org.id, sb);
  await syncAds({ historyDays: 60 });
});
after(async () => {
  await ctx?.close();
  await sb?.close();
});

const get = async (key: string, url: string) => {
  const r = await ctx.app.inject({ method: 'GET', url, headers: auth(key) });
  return { status: r.statusCode, body: r.json() };
};

/** A campaign with metric rows, its id as the API gives it. */
async function campaignWithMetrics(): Promise<{ id: string; platformId: string }> {
  const { rows } = await ctx.db.owner.query(
    `select distinct g.parent_platform_id as campaign from ad_metrics_daily m
     join ad_entities a on a.connection_id = m.connection_id and a.level = 'ad' and a.platform_id = m.platform_id
     join ad_entities g on g.connection_id = a.connection_id and g.level = 'ad_group' and g.platform_id = a.parent_platform_id
     where m.level = 'ad' limit 1`,
  );
  const platformId = rows[0].campaign as string;
  const list = await get(org.key, '/v1/ads/campaigns?limit=200');
  const c = list.body.data.find((x: { platform_id: string }) => x.platform_id === platformId);
  return { id: c.id, platformId };
}

test("a campaign's days are the sums of its ads' rows, oldest first, money as exact micros", async () => {
  const c = await campaignWithMetrics();
  const r = await get(org.key, `/v1/ads/campaigns/${c.id}/metrics?since=2000-01-01&until=2002-01-01`);
  assert.equal(r.status, 400, 'more than 400 days is refused');
  assert.equal(r.body.error.code, 'validation_failed');
  const { rows: range } = await ctx.db.owner.query(
    'select min(date)::text as lo, max(date)::text as hi from ad_metrics_daily',
  );
  const ok = await get(org.key, `/v1/ads/campaigns/${c.id}/metrics?since=${range[0].lo}&until=${range[0].hi}`);
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.campaign.provider, 'meta');
  assert.ok(ok.body.data.length > 0);
  const dates = ok.body.data.map((d: { date: string }) => d.date);
  assert.deepEqual(dates, [...dates].sort());
  const { rows } = await ctx.db.owner.query(
    `select sum(m.spend_micros)::text as spend, sum(m.clicks)::int as clicks from ad_metrics_daily m
     join ad_entities a on a.connection_id = m.connection_id and a.level = 'ad' and a.platform_id = m.platform_id
     join ad_entities g on g.connection_id = a.connection_id and g.level = 'ad_group' and g.platform_id = a.parent_platform_id
     where m.level = 'ad' and g.parent_platform_id = $1 and m.date = $2`,
    [c.platformId, dates[0]],
  );
  assert.equal(ok.body.data[0].spend_micros, rows[0].spend);
  assert.equal(ok.body.data[0].clicks, rows[0].clicks);
});

test("a restated day's revisions are listed for its campaign, newest first", async () => {
  const changed = sb.remote.restate(3);
  assert.ok(changed.length > 0);
  await syncAds();
  const { rows } = await ctx.db.owner.query(
    `select r.date::text as date, g.parent_platform_id as campaign from ad_metric_revisions r
     join ad_entities a on a.connection_id = r.connection_id and a.level = 'ad' and a.platform_id = r.platform_id
     join ad_entities g on g.connection_id = a.connection_id and g.level = 'ad_group' and g.platform_id = a.parent_platform_id limit 1`,
  );
  assert.ok(rows[0], 'the restatement left revisions');
  const list = await get(org.key, '/v1/ads/campaigns?limit=200');
  const id = list.body.data.find((x: { platform_id: string }) => x.platform_id === rows[0].campaign).id;
  const r = await get(org.key, `/v1/ads/campaigns/${id}/metrics/revisions?date=${rows[0].date}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.ok(r.body.data.length > 0);
  for (const rev of r.body.data) {
    assert.equal(rev.date, rows[0].date);
    assert.equal(rev.level, 'ad');
    assert.notDeepEqual(rev.previous, rev.current);
  }
  const quiet = await get(org.key, `/v1/ads/campaigns/${id}/metrics/revisions?date=1999-01-01`);
  assert.deepEqual(quiet.body.data, []);
});

test("another org's campaign, a non-campaign id and a forged id are 404; a bad date or range is 400", async () => {
  const c = await campaignWithMetrics();
  for (const url of [
    `/v1/ads/campaigns/${c.id}/metrics?since=2026-01-01&until=2026-02-01`,
    `/v1/ads/campaigns/${c.id}/metrics/revisions?date=2026-01-01`,
  ]) {
    const r = await get(other.key, url);
    assert.equal(r.status, 404, url);
    assert.equal(r.body.error.code, 'not_found');
  }
  const account = (await get(org.key, '/v1/ads/accounts')).body.data[0].id;
  assert.equal(
    (await get(org.key, `/v1/ads/campaigns/${account}/metrics?since=2026-01-01&until=2026-02-01`)).status,
    404,
  );
  assert.equal(
    (await get(org.key, '/v1/ads/campaigns/bm90LWFuLWlk/metrics?since=2026-01-01&until=2026-02-01')).status,
    404,
  );
  const backwards = await get(org.key, `/v1/ads/campaigns/${c.id}/metrics?since=2026-02-01&until=2026-01-01`);
  assert.equal(backwards.status, 400);
  assert.equal(backwards.body.error.code, 'validation_failed');
  const bad = await get(org.key, `/v1/ads/campaigns/${c.id}/metrics/revisions?date=yesterday`);
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'validation_failed');
});
