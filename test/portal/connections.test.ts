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
import { checkPage, enterPortal, waitForRows } from '../helpers/portal.ts';

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
let spare: string;

before(async () => {
  sb = await googleSandbox.start({ seed: 7, size: 10 });
  ctx = await createTestContext({
    env: {
      PLEXUS_GOOGLE_ADS_CLIENT_ID: sb.clientId,
      PLEXUS_GOOGLE_ADS_CLIENT_SECRET: sb.clientSecret,
      PLEXUS_GOOGLE_ADS_DEVELOPER_TOKEN: sb.developerToken,
      PLEXUS_GOOGLE_ADS_BASE_URL: sb.url,
    },
  });
  base = await ctx.listen();
  org = await newOrg(ctx, 'Northwind');
  const grant = sb.mintToken({ offline: true, ttlSeconds: 3600 });
  conn = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'google-ads',
    { kind: 'oauth2', accessToken: grant.accessToken, refreshToken: grant.refreshToken! },
    { expiresAt: new Date(Date.now() + 3600_000), externalId: 'northwind-google' },
  );
  const grant2 = sb.mintToken({ offline: true, ttlSeconds: 3600 });
  spare = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'google-ads',
    { kind: 'oauth2', accessToken: grant2.accessToken, refreshToken: grant2.refreshToken! },
    { expiresAt: new Date(Date.now() + 3600_000), externalId: 'spare-google' },
  );
  // Thirty more, so the list has pages: Meta ones, a few needing reconnection.
  for (let i = 0; i < 30; i++) {
    const id = await seedConnection(
      ctx.db,
      ctx.keyring,
      org.id,
      'meta',
      { kind: 'oauth2', accessToken: `t${i}` },
      { externalId: `meta-account-${String(i).padStart(2, '0')}` },
    );
    if (i % 10 === 0) await ctx.db.owner.query("update connections set status = 'needs_reauth' where id = $1", [id]);
  }
  worker = await startWorker({
    db: ctx.db,
    keyring: ctx.keyring,
    log: ctx.log,
    clock: systemClock,
    tasks: allTasks,
    ...ctx.config.worker,
    providers: ctx.providers,
  });
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
  await waitForRows(table, 7);
  await page.getByRole('button', { name: 'Previous page' }).click();
  await page.getByText('Page 1').waitFor();

  // Filters: status, then platform; the address keeps them.
  await page.getByLabel('Status').selectOption('needs_reauth');
  await waitForRows(table, 3);
  assert.match(page.url(), /status=needs_reauth/);
  await checkPage(page, 'connections-filtered');
  await page.getByLabel('Status').selectOption('');
  await page.getByLabel('Platform').selectOption('google-ads');
  await waitForRows(table, 2);

  // Named by the account id until a sync (the scheduler's may come first) gives the platform's name.
  await table.locator(`a[href="/portal/connections/${conn}"]`).click();
  await page.getByRole('heading', { name: /^Connection: / }).waitFor();
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
  // The run the button asked for (the scheduler may have synced the new connection before it).
  const run = (
    await ctx.db.owner.query(
      "select status from sync_runs where org_id = $1 and connection_id = $2 and reason = 'on_demand'",
      [org.id, conn],
    )
  ).rows;
  assert.deepEqual(run, [{ status: 'completed' }]);

  // Settings: the schedule changes through the form.
  await page.getByLabel('Sync every (minutes)').fill('90');
  await page.getByLabel('When content conflicts').selectOption('remote_wins');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved.').waitFor();
  const saved = (
    await ctx.db.owner.query('select sync_interval_minutes, conflict_policy from connections where id = $1', [conn])
  ).rows[0];
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
  for (const name of ['Sync now', 'Reconnect', 'Disconnect', 'Save'])
    assert.equal(await page.getByRole('button', { name }).count(), 0, name);
  await checkPage(page, 'connection-read-only');
  await page.context().close();
});

test('keyboard: Tab reaches the section nav, Enter opens a section', async () => {
  const { page } = await enterPortal(browser, base, org.key);
  await page.getByRole('table', { name: 'Connections' }).waitFor();
  // First stop: the skip link; the nav links follow.
  await page.keyboard.press('Tab');
  assert.equal(await page.locator(':focus').innerText(), 'Skip to content');
  let reached = false;
  for (let i = 0; i < 10 && !reached; i++) {
    await page.keyboard.press('Tab');
    const inNav = page.getByRole('navigation', { name: 'Sections' }).locator(':focus');
    reached = (await inNav.count()) === 1 && (await inNav.innerText()) === 'Failures';
  }
  assert.ok(reached, 'Tab reaches the Failures link of the section nav');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Failures', level: 1 }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/portal/failures');
  assert.equal(await page.getByRole('link', { name: 'Failures' }).getAttribute('aria-current'), 'page');
  await page.context().close();
});

test('syncs: a running sync’s counters move live; finished runs are in the history', async () => {
  const meta = (
    await ctx.db.owner.query(
      "select id from connections where org_id = $1 and provider = 'meta' and status = 'active' limit 1",
      [org.id],
    )
  ).rows[0].id as string;
  const run = (
    await ctx.db.owner.query(
      "insert into sync_runs (org_id, connection_id, reason, status, pages, records) values ($1, $2, 'schedule', 'running', 1, 40) returning id",
      [org.id, meta],
    )
  ).rows[0].id as string;
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

test('reconnect opens a connect page for the same connection; disconnect removes it after a confirmation', async () => {
  const { page, consoleErrors } = await enterPortal(browser, base, org.key);
  await page.goto(`${base}/portal/connections/${spare}`);
  await page.getByRole('heading', { name: /^Connection: / }).waitFor();
  const [popup] = await Promise.all([
    page.context().waitForEvent('page'),
    page.getByRole('button', { name: 'Reconnect' }).click(),
  ]);
  await popup.waitForLoadState();
  assert.match(popup.url(), new RegExp(`^${base}/connect/`));
  const session = (
    await ctx.db.owner.query(
      'select connection_id, provider from connect_sessions where org_id = $1 order by created_at desc limit 1',
      [org.id],
    )
  ).rows[0];
  assert.deepEqual(session, { connection_id: spare, provider: 'google-ads' });
  await popup.close();

  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await page.getByText('Disconnected.').waitFor();
  await page.getByRole('heading', { name: 'Connections', level: 1 }).waitFor();
  assert.equal(
    (await ctx.db.owner.query('select status from connections where id = $1', [spare])).rows[0].status,
    'deleted',
  );
  assert.deepEqual(consoleErrors, []);
  await page.context().close();
});

test('branding: the org’s name, logo and colour, as its portal settings say', async () => {
  const res = await fetch(`${base}/v1/org/portal`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${org.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      display_name: 'Northwind integrations',
      accent_color: '#fde047',
      logo_url: `${base}/portal/assets/none.svg`,
    }),
  });
  assert.equal(res.status, 200);
  const { page } = await enterPortal(browser, base, org.key);
  await page.locator('header').getByText('Northwind integrations').waitFor();
  // Evaluated as page source: this file is typed for Node, the expression runs in the page.
  const colours = await page.evaluate(
    "(({ backgroundColor, color }) => ({ bg: backgroundColor, fg: color }))(getComputedStyle(document.querySelector('header')))",
  );
  // A light accent gets dark text on it, so the header keeps its contrast.
  assert.deepEqual(colours, { bg: 'rgb(253, 224, 71)', fg: 'rgb(0, 0, 0)' });
  assert.equal(await page.locator('header img').getAttribute('alt'), '');
  await checkPage(page, 'connections-branded');
  await page.context().close();
});
