/**
 * The Ads section in real Chromium against a Plexus holding what a real sync of the Meta
 * sandbox stored (then a restatement of recent days): entities by level and status, a
 * campaign's chart and the same numbers as a table, and a restated day's history.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { metaAdsSync } from '../../src/providers/meta/sync.ts';
import {
  sandbox as metaSandbox,
  type MetaRunningSandbox,
  type MetaSandboxOptions,
} from '../../src/providers/meta/sandbox.ts';
import { runAdsSync } from '../../src/sync/ads/engine.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { seedSandboxMetaConnection } from '../helpers/connections.ts';
import { checkPage, enterPortal } from '../helpers/portal.ts';
import { portalCaller } from '../helpers/portal-calls.ts';
import { waitFor } from '../helpers/wait.ts';

let sb: MetaRunningSandbox;
let ctx: TestContext;
let browser: Browser;
let base: string;
let org: { id: string; key: string };
/** A campaign with a restated day: its API id, name, the restated date and its days' range. */
let campaign: { id: string; name: string; restated: string; since: string; until: string };

before(async () => {
  // Two weeks of days for the chart: about ten ads, each with a row a day.
  const shape: MetaSandboxOptions = { seed: 11, size: 140, historyDays: 14 };
  sb = await metaSandbox.start(shape);
  ctx = await createTestContext({
    env: { PLEXUS_META_CLIENT_ID: sb.appId, PLEXUS_META_CLIENT_SECRET: sb.appSecret, PLEXUS_META_BASE_URL: sb.url },
  });
  base = await ctx.listen();
  org = await newOrg(ctx, 'Northwind');
  const conn = await seedSandboxMetaConnection(ctx, org.id, sb);
  const deps = { ...ctx.providers, db: ctx.db, keyring: ctx.keyring, log: ctx.log };
  await runAdsSync(deps, org.id, conn, metaAdsSync, 'test', { historyDays: 20 });
  sb.remote.restate(3);
  await runAdsSync(deps, org.id, conn, metaAdsSync, 'test');
  const { rows } = await ctx.db.owner.query(
    `select g.parent_platform_id as platform_id, max(r.date)::text as restated,
       (select min(date)::text from ad_metrics_daily) as since, (select max(date)::text from ad_metrics_daily) as until
     from ad_metric_revisions r
     join ad_entities a on a.connection_id = r.connection_id and a.level = 'ad' and a.platform_id = r.platform_id
     join ad_entities g on g.connection_id = a.connection_id and g.level = 'ad_group' and g.platform_id = a.parent_platform_id
     group by 1 order by 1 limit 1`,
  );
  assert.ok(rows[0], 'the restatement left revisions');
  const list = (
    await ctx.app.inject({ method: 'GET', url: '/v1/ads/campaigns?limit=200', headers: auth(org.key) })
  ).json();
  const c = list.data.find((x: { platform_id: string }) => x.platform_id === rows[0].platform_id);
  campaign = { id: c.id, name: c.name, restated: rows[0].restated, since: rows[0].since, until: rows[0].until };
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await ctx?.close();
  await sb?.close();
});

test("campaigns by status, a campaign's chart and its data table, and a restated day's history", async () => {
  const { page, elsewhere, consoleErrors } = await enterPortal(browser, base, org.key, { mode: 'manage' });
  await page.getByRole('link', { name: 'Ads', exact: true }).click();
  const table = page.getByRole('table', { name: 'Campaigns on every connected ad platform' });
  await table.getByRole('link', { name: campaign.name }).waitFor();
  await checkPage(page, 'ads-campaigns');
  await page.getByLabel('Status').selectOption('active');
  await page.waitForURL(/status=active/);
  // The rows of the filtered list replace the unfiltered ones once its answer is in.
  await waitFor(
    async () => {
      const statuses = await table.locator('tbody tr td:nth-child(3)').allInnerTexts();
      return statuses.length > 0 && statuses.every((s) => s === 'Active');
    },
    'only active campaigns listed',
    10_000,
  );
  await page.getByRole('link', { name: 'Ad groups' }).click();
  await page.getByRole('table', { name: 'Ad groups on every connected ad platform' }).getByRole('row').nth(1).waitFor();
  await checkPage(page, 'ads-ad-groups');
  await page.getByRole('link', { name: 'Campaigns' }).click();
  await page.getByLabel('Status').selectOption('');
  await table.getByRole('link', { name: campaign.name }).click();

  await page.getByRole('heading', { name: `Campaign report: ${campaign.name}` }).waitFor();
  await page.getByLabel('From').fill(campaign.since);
  await page.getByLabel('To').fill(campaign.until);
  await page.getByRole('button', { name: 'Show' }).click();
  const chart = page.getByRole('img', {
    name: new RegExp(`^Chart of spend, impressions and clicks per day for ${campaign.name}`),
  });
  await chart.locator('canvas').waitFor();
  await checkPage(page, 'ads-campaign-chart');

  await page.getByRole('button', { name: 'Data table' }).click();
  const days = page.getByRole('table', { name: 'Spend, impressions, clicks and conversions per day' });
  await days.waitFor();
  assert.equal(await chart.count(), 0, 'the table replaces the chart');
  const report = (
    await ctx.app.inject({
      method: 'GET',
      url: `/v1/ads/campaigns/${campaign.id}/metrics?since=${campaign.since}&until=${campaign.until}`,
      headers: auth(org.key),
    })
  ).json();
  assert.equal(report.data.length, 14, 'two weeks of days');
  assert.equal(await days.locator('tbody tr').count(), report.data.length);
  const last = report.data[report.data.length - 1];
  const row = days.getByRole('row').filter({ has: page.getByRole('cell', { name: last.date, exact: true }) });
  assert.equal(await row.getByRole('cell').nth(2).innerText(), last.impressions.toLocaleString('en-US'));
  assert.equal(await row.getByRole('cell').nth(3).innerText(), last.clicks.toLocaleString('en-US'));
  await checkPage(page, 'ads-campaign-table');

  await page.getByRole('button', { name: `Show how ${campaign.restated} was restated` }).click();
  const history = page.getByRole('table', {
    name: `Each change the platform made to the numbers of ${campaign.restated}, newest first`,
  });
  await history.getByRole('row').nth(1).waitFor();
  assert.ok((await history.locator('tbody tr').count()) >= 1);
  await checkPage(page, 'ads-restatements');
  await page.getByRole('button', { name: 'Chart' }).click();
  await chart.locator('canvas').waitFor();
  assert.deepEqual(elsewhere, []);
  assert.deepEqual(consoleErrors, []);
});

test("another org's session gets 404 for this org's campaign reports; a read-only session pauses nothing (403)", async () => {
  const other = await newOrg(ctx, 'Other org');
  const { page } = await enterPortal(browser, base, other.key, { mode: 'manage' });
  await page.goto(`${base}/portal/ads/campaigns/${campaign.id}`);
  await page.getByRole('alert').filter({ hasText: 'No such campaign' }).waitFor();
  await checkPage(page, 'ads-other-org');
  const call = await portalCaller(page, base);
  for (const path of [
    `/v1/ads/campaigns/${campaign.id}/metrics?since=${campaign.since}&until=${campaign.until}`,
    `/v1/ads/campaigns/${campaign.id}/metrics/revisions?date=${campaign.restated}`,
  ]) {
    const r = await call('GET', path);
    assert.equal(r.status, 404, path);
    assert.equal(r.body.error.code, 'not_found');
  }
  for (const level of ['accounts', 'campaigns', 'ad-groups', 'ads'])
    assert.deepEqual((await call('GET', `/v1/ads/${level}`)).body.data, [], level);

  const ro = await enterPortal(browser, base, org.key, { mode: 'read_only' });
  await ro.page.goto(`${base}/portal/ads/campaigns/${campaign.id}`);
  await ro.page.getByRole('heading', { name: `Campaign report: ${campaign.name}` }).waitFor();
  const roCall = await portalCaller(ro.page, base);
  const r = await roCall('POST', `/v1/ads/campaigns/${campaign.id}/pause`);
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, 'portal_read_only');
});
