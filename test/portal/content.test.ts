/**
 * The Content section in real Chromium against a Plexus with a worker and the WordPress
 * sandbox: 20 items published with a dry run first (its plan table), the batch watched live,
 * the posts seen on the site, then rolled back; another org's session and a read-only one
 * refused through every call the pages make.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { wordpressSite, type WordPressSite } from '../fixtures/cms/wordpress.ts';
import { newOrg } from '../helpers/app.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { seedConnection } from '../helpers/connections.ts';
import { contentHub } from '../helpers/content-hub.ts';
import { checkPage, enterPortal } from '../helpers/portal.ts';
import { portalCaller } from '../helpers/portal-calls.ts';
import { waitFor } from '../helpers/wait.ts';

const hub = contentHub<WordPressSite>(() => wordpressSite());
const stamp = Date.now().toString(36);
let browser: Browser;
let base: string;
const items: { id: string; title: string; slug: string }[] = [];
let batchId = '';

/** Plexus listening, Chromium started and 20 items in the hub: once, on the first test (the hub starts in its own hook). */
let ready: Promise<void> | undefined;
const setup = () =>
  (ready ??= (async () => {
    base = await hub.ctx.listen();
    browser = await launchChromium();
    // A second site that needs reconnecting: listed, but not offered for publishing.
    const stale = await seedConnection(
      hub.ctx.db,
      hub.ctx.keyring,
      hub.org.id,
      'webflow',
      { kind: 'oauth2', accessToken: 'expired-token' },
      { externalId: `stale-${stamp}` },
    );
    await hub.ctx.db.owner.query(
      "update connections set status = 'needs_reauth', display_name = 'Old shop blog' where id = $1",
      [stale],
    );
    for (let n = 1; n <= 20; n++) {
      const r = await hub.api('POST', '/v1/content', {
        external_id: `portal-${stamp}-${n}`,
        title: `Portal story ${n}`,
        slug: `portal-${stamp}-${n}`,
        body_html: `<p>Story ${n} of the portal.</p>`,
        status: 'published',
        tags: ['portal'],
      });
      assert.equal(r.status, 201);
      items.push({ id: r.body.id, title: r.body.title, slug: r.body.slug });
    }
  })());
after(async () => browser?.close());

/** The site's posts with this run's slugs, as the sandbox holds them (trashed ones left out). */
const onSite = () =>
  [...hub.site.sandbox.site().posts.values()].filter(
    (p) => p.status !== 'trash' && p.slug.startsWith(`portal-${stamp}-`),
  );

test('20 items published: dry-run plan table, confirm, live progress, then on the site; rolled back from the batch page', async () => {
  await setup();
  const { page, elsewhere, consoleErrors } = await enterPortal(browser, base, hub.org.key, { mode: 'manage' });
  await page.getByRole('link', { name: 'Content', exact: true }).click();
  const table = page.getByRole('table', { name: 'Content items and their state on each site' });
  await table.getByRole('row').nth(20).waitFor();
  assert.equal(await table.getByText('Not published yet').count(), 20);
  await checkPage(page, 'content-items');

  await page.getByRole('checkbox', { name: 'Select every item on this page' }).check();
  await page.getByText('20 selected').waitFor();
  await page.getByRole('button', { name: 'Publish selected…' }).click();
  const sites = page.getByRole('group', { name: 'Sites to publish to' });
  const site = sites.getByRole('checkbox', { name: /\(wordpress\)/ });
  assert.ok(await site.isChecked(), 'the only active site is chosen');
  const stale = sites.getByRole('checkbox', { name: /Old shop blog/ });
  assert.ok(await stale.isDisabled(), 'a site that needs reconnecting cannot be chosen');
  assert.ok(!(await stale.isChecked()));
  await page.getByRole('button', { name: 'Preview changes (dry run)' }).click();
  const plan = page.getByRole('table', { name: 'What publishing would do, item by item and field by field' });
  await plan.waitFor();
  await page.getByText('20 × Create').waitFor();
  // One row per field each create sets: title, body, slug, status, tags.
  const story7 = plan.getByRole('row').filter({ hasText: 'Portal story 7' });
  assert.equal(await story7.count(), 5);
  const titleRow = story7.filter({ has: page.getByRole('cell', { name: 'Title', exact: true }) });
  assert.deepEqual(await titleRow.getByRole('cell').allInnerTexts(), [
    'Portal story 7',
    await titleRow.getByRole('cell').nth(1).innerText(),
    'Create',
    'Title',
    '—',
    'Portal story 7',
  ]);
  assert.equal(onSite().length, 0, 'the dry run published nothing');
  await checkPage(page, 'content-dry-run');

  await page.getByRole('button', { name: 'Confirm and publish' }).click();
  await page.waitForURL(/\/portal\/content\/batches\/[0-9a-f-]{36}$/);
  batchId = page.url().split('/').pop()!;
  const progress = page.getByRole('progressbar', { name: 'Publishing progress' });
  await progress.waitFor();
  await page.getByText('20 of 20 done, 0 failed').waitFor({ timeout: 60_000 });
  assert.equal(await progress.getAttribute('value'), '20');
  assert.equal(await page.getByRole('table', { name: 'Each item on each site' }).getByText('Create').count(), 20);
  await checkPage(page, 'content-batch');

  const posts = onSite();
  assert.equal(posts.length, 20, 'all 20 are on the WordPress site');
  assert.deepEqual(posts.map((p) => p.slug).sort(), items.map((i) => i.slug).sort());

  await page.getByRole('link', { name: 'Back to content' }).click();
  await page.getByLabel('State on a site').selectOption('synced');
  await page.waitForURL(/state=synced/);
  await table.getByText('Synced').nth(19).waitFor();
  assert.equal(await table.getByText('Synced').count(), 20);
  await checkPage(page, 'content-synced');

  await page
    .getByRole('link', { name: /^Batch of / })
    .first()
    .click();
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Roll back this batch' }).click();
  await page.getByText('Rolled back', { exact: false }).first().waitFor({ timeout: 60_000 });
  await waitFor(async () => onSite().length === 0, 'the posts gone from the site', 60_000);
  await checkPage(page, 'content-rolled-back');
  assert.deepEqual(elsewhere, []);
  assert.deepEqual(consoleErrors, []);
});

test("another org's session gets 404 for this org's items and batches, in the page and through the API", async () => {
  await setup();
  assert.ok(batchId, 'the publish test ran');
  const other = await newOrg(hub.ctx, 'Other org');
  const { page } = await enterPortal(browser, base, other.key, { mode: 'manage' });
  await page.goto(`${base}/portal/content/batches/${batchId}`);
  await page.getByRole('alert').filter({ hasText: 'No such publish batch' }).waitFor();
  await checkPage(page, 'content-other-org');
  const call = await portalCaller(page, base);
  for (const [method, path, body] of [
    ['GET', `/v1/publish/${batchId}`],
    ['POST', `/v1/publish/${batchId}/rollback`],
    ['GET', `/v1/content/${items[0]!.id}`],
    ['POST', '/v1/publish', { item_ids: [items[0]!.id], connection_ids: [hub.conn], dry_run: true }],
  ] as const) {
    const r = await call(method, path, body);
    assert.equal(r.status, 404, `${method} ${path}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, 'not_found');
  }
  // Lists answer with the caller's own org only: nothing of the other's.
  assert.deepEqual(
    (await call('GET', `/v1/content/targets?item_ids=${items.map((i) => i.id).join(',')}`)).body.data,
    [],
  );
  assert.deepEqual((await call('GET', '/v1/content')).body.data, []);
  assert.deepEqual((await call('GET', '/v1/publish')).body.data, []);
});

test('a read-only session sees items and batches but has no publish or rollback, and the API refuses both (403)', async () => {
  await setup();
  const { page } = await enterPortal(browser, base, hub.org.key, { mode: 'read_only' });
  await page.getByRole('link', { name: 'Content', exact: true }).click();
  await page
    .getByRole('table', { name: 'Content items and their state on each site' })
    .getByRole('row')
    .nth(20)
    .waitFor();
  assert.equal(await page.getByRole('button', { name: 'Publish selected…' }).count(), 0);
  assert.equal(await page.getByRole('checkbox').count(), 0);
  await checkPage(page, 'content-read-only');
  await page.goto(`${base}/portal/content/batches/${batchId}`);
  await page.getByRole('progressbar', { name: 'Publishing progress' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Roll back this batch' }).count(), 0);
  const call = await portalCaller(page, base);
  for (const [path, body] of [
    ['/v1/publish', { item_ids: [items[0]!.id], connection_ids: [hub.conn], dry_run: true }],
    [`/v1/publish/${batchId}/rollback`, undefined],
  ] as const) {
    const r = await call('POST', path, body);
    assert.equal(r.status, 403, path);
    assert.equal(r.body.error.code, 'portal_read_only');
  }
  assert.equal(onSite().length, 0);
});
