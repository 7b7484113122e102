import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { systemClock } from '../../src/core/clock.ts';
import { startWorker, type WorkerHandle } from '../../src/jobs/runtime.ts';
import { allTasks } from '../../src/jobs/tasks/index.ts';
import { sandbox as googleSandbox, type GoogleAdsRunningSandbox } from '../../src/providers/google-ads/sandbox.ts';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { seedConnection } from '../helpers/connections.ts';
import { checkPage, enterPortal } from '../helpers/portal.ts';

// The connections section in Chromium: the list with filters and pages, one connection's
// diagnostics, and "Sync now" followed live until the run ends, against a real worker and
// the Google Ads sandbox.
let sb: GoogleAdsRunningSandbox;
let ctx: TestContext;
let worker: WorkerHandle;
let browser: Browser;
let base: string;
let org: { id: string; key: string };
let conn: string;

before(async () => {
  sb = (await googleSandbox.start({ seed: 7, size: 10 })) as GoogleAdsRunningSandbox;
  ctx = await createTestContext({
    env: { PLEXUS_GOOGLE_ADS_CLIENT_ID: sb.clientId, PLEXUS_GOOGLE_ADS_CLIENT_SECRET: sb.clientSecret, PLEXUS_GOOGLE_ADS_DEVELOPER_TOKEN: sb.developerToken, PLEXUS_GOOGLE_ADS_BASE_URL: sb.url },
  });
  base = await ctx.listen();
  org = await newOrg(ctx, 'Northwind');
  const grant = sb.mintToken({ offline: true, ttlSeconds: 3600 });
  conn = await seedConnection(ctx.db, ctx.keyring, org.id, 'google-ads', { kind: 'oauth2', accessToken: grant.accessToken, refreshToken: grant.refreshToken! }, { expiresAt: new Date(Date.now() + 3600_000), externalId: 'northwind-google' });
  // Thirty more, so the list has pages: Meta ones, a few needing reconnection.
  for (let i = 0; i < 30; i++) {
    const id = await seedConnection(ctx.db, ctx.keyring, org.id, 'meta', { kind: 'oauth2', accessToken: `t${i}` }, { externalId: `meta-account-${String(i).padStart(2, '0')}` });
    if (i % 10 === 0) await ctx.db.owner.query("update connections set status = 'needs_reauth' where id = $1", [id]);
  }
  worker = await startWorker({ db: ctx.db, keyring: ctx.keyring, log: ctx.log, clock: systemClock, tasks: allTasks, ...ctx.config.worker, providers: ctx.providers });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await worker?.stop();
  await ctx?.close();
  await sb?.close();
});

test('connections: list, filter, page, open one, sync now and watch it run to the end', async () => {
  const { page, elsewhere, consoleErrors } = await enterPortal(browser, base, org.key);
  assert.equal(new URL(page.url()).pathname, '/portal/');
  await page.getByRole('heading', { name: 'Connections', level: 1 }).waitFor();
  const table = page.getByRole('table', { name: 'Connections' });
  await table.getByRole('row').nth(25).waitFor();
  assert.equal(await table.locator('tbody tr').count(), 25);
  await checkPage(page, 'connections-list');

  // The second page has the rest; "Previous" comes back.
  await page.getByRole('button', { name: 'Next page' }).click();
  await page.getByText('Page 2').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('table.data tbody tr').length === 6);
  await page.getByRole('button', { name: 'Previous page' }).click();
  await page.getByText('Page 1').waitFor();

  // Filters: status, then platform; the address keeps them.
  await page.getByLabel('Status').selectOption('needs_reauth');
  await page.waitForFunction(() => document.querySelectorAll('table.data tbody tr').length === 3);
  assert.match(page.url(), /status=needs_reauth/);
  await checkPage(page, 'connections-filtered');
  await page.getByLabel('Status').selectOption('');
  await page.getByLabel('Platform').selectOption('google-ads');
  await page.waitForFunction(() => document.querySelectorAll('table.data tbody tr').length === 1);

  await page.getByRole('link', { name: 'northwind-google' }).click();
  await page.getByRole('heading', { name: 'Connection: northwind-google' }).waitFor();
  assert.equal(new URL(page.url()).pathname, `/portal/connections/${conn}`);
  await page.getByRole('heading', { name: 'Diagnostics' }).waitFor();
  await page.getByRole('heading', { name: 'Token' }).waitFor();
  await checkPage(page, 'connection-detail');

  await page.getByRole('button', { name: 'Sync now' }).click();
  await page.getByText('Sync requested.').waitFor();
  const progress = page.getByRole('region', { name: 'Sync progress' });
  await progress.getByText('Completed').waitFor({ timeout: 60_000 });
  assert.ok(Number((await progress.getByTestId('sync-pages').innerText()).replace(/\D/g, '')) > 0);
  assert.ok(Number((await progress.getByTestId('sync-records').innerText()).replace(/\D/g, '')) > 0);
  // The page around the progress caught up with the run: the last sync time and the operation.
  await page.getByRole('table', { name: 'Recent operations' }).getByRole('link', { name: 'sync' }).first().waitFor();
  assert.doesNotMatch(await page.locator('dl.facts').first().innerText(), /Last sync\s+never/);
  await checkPage(page, 'connection-synced');
  const run = (await ctx.db.owner.query('select status, pages from sync_runs where org_id = $1 and connection_id = $2', [org.id, conn])).rows;
  assert.equal(run.length, 1);
  assert.equal(run[0].status, 'completed');

  // Settings: the schedule changes through the form.
  await page.getByLabel('Sync every (minutes)').fill('90');
  await page.getByLabel('When content conflicts').selectOption('remote_wins');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved.').waitFor();
  const saved = (await ctx.db.owner.query('select sync_interval_minutes, conflict_policy from connections where id = $1', [conn])).rows[0];
  assert.deepEqual(saved, { sync_interval_minutes: 90, conflict_policy: 'remote_wins' });

  assert.deepEqual(elsewhere, []);
  assert.deepEqual(consoleErrors, []);
  await page.context().close();
});

test('a read-only session sees the connection without any action', async () => {
  const { page, consoleErrors } = await enterPortal(browser, base, org.key, { mode: 'read_only' });
  await page.goto(`${base}/portal/connections/${conn}`);
  // The sync of the first test named the account after the platform's own name for it.
  await page.getByRole('heading', { name: /^Connection: / }).waitFor();
  assert.deepEqual(consoleErrors, []);
  await page.getByText('This view is read only').waitFor();
  for (const name of ['Sync now', 'Reconnect', 'Disconnect', 'Save']) assert.equal(await page.getByRole('button', { name }).count(), 0, name);
  await checkPage(page, 'connection-read-only');
  await page.context().close();
});

test('keyboard: Tab reaches the section nav, Enter opens a section', async () => {
  const { page } = await enterPortal(browser, base, org.key);
  await page.getByRole('table', { name: 'Connections' }).waitFor();
  // First stop: the skip link; the nav links follow.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
  let reached = false;
  for (let i = 0; i < 10 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.closest('nav[aria-label="Sections"]') !== null && document.activeElement?.textContent === 'Failures');
  }
  assert.ok(reached, 'Tab reaches the Failures link of the section nav');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Failures', level: 1 }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/portal/failures');
  assert.equal(await page.getByRole('link', { name: 'Failures' }).getAttribute('aria-current'), 'page');
  await page.context().close();
});

test('syncs: a running sync’s counters move live; finished runs are in the history', async () => {
  const meta = (await ctx.db.owner.query("select id from connections where org_id = $1 and provider = 'meta' and status = 'active' limit 1", [org.id])).rows[0].id as string;
  const run = (await ctx.db.owner.query("insert into sync_runs (org_id, connection_id, reason, status, pages, records) values ($1, $2, 'schedule', 'running', 1, 40) returning id", [org.id, meta])).rows[0].id as string;
  const { page, consoleErrors } = await enterPortal(browser, base, org.key);
  await page.getByRole('link', { name: 'Syncs' }).click();
  const running = page.getByRole('table', { name: 'Running now' });
  await running.getByRole('cell', { name: '40', exact: true }).waitFor();
  await checkPage(page, 'syncs');
  await ctx.db.owner.query('update sync_runs set pages = 7, records = 1234, rate_limit_waits = 2 where id = $1', [run]);
  await running.getByRole('cell', { name: '1,234', exact: true }).waitFor({ timeout: 10_000 });
  await ctx.db.owner.query("update sync_runs set status = 'completed', finished_at = now() where id = $1", [run]);
  await running.getByText('Nothing to show.').waitFor({ timeout: 10_000 });
  // History: both runs, the failed filter none of them.
  const history = page.getByRole('table', { name: 'Sync runs' });
  await page.reload();
  await history.locator('tbody tr').nth(1).waitFor();
  await page.getByLabel('Status').selectOption('failed');
  await history.getByText('Nothing to show.').waitFor();
  await page.getByLabel('Status').selectOption('completed');
  await history.locator('tbody tr').nth(1).waitFor();
  // A run links to its connection.
  await history.getByRole('link').first().click();
  await page.getByRole('heading', { name: /^Connection: / }).waitFor();
  assert.deepEqual(consoleErrors, []);
  await page.context().close();
});
