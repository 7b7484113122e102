/**
 * The Conflicts section in real Chromium against a Plexus with a worker and the WordPress
 * sandbox: an edit on the site and one in the hub to the same title and paragraph raise a
 * conflict; the three-way view shows base, hub and site and the body's block diff; a person
 * keeps the site's title and writes the merged body, and the result lands on the site.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { wordpressSite, type WordPressSite } from '../fixtures/cms/wordpress.ts';
import { newOrg } from '../helpers/app.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { contentHub } from '../helpers/content-hub.ts';
import { checkPage, enterPortal } from '../helpers/portal.ts';
import { portalCaller } from '../helpers/portal-calls.ts';
import { waitFor } from '../helpers/wait.ts';

const hub = contentHub<WordPressSite>(() => wordpressSite());
const stamp = Date.now().toString(36);
let browser: Browser;
let base: string;
let conflictId = '';
let remoteId = '';

const MERGED = '<p>Winter sale: boots and coats, 30% off.</p>\n<p>Free delivery until Sunday.</p>';

/** An item published to the site, then edited on both sides in the same title and paragraph: one open conflict. */
let ready: Promise<void> | undefined;
const setup = () =>
  (ready ??= (async () => {
    base = await hub.ctx.listen();
    browser = await launchChromium();
    const item = (
      await hub.api('POST', '/v1/content', {
        external_id: `conflict-${stamp}`,
        title: 'Winter sale',
        slug: `winter-sale-${stamp}`,
        body_html: '<p>Winter sale: boots and coats.</p>\n<p>Free delivery until Sunday.</p>',
        status: 'published',
      })
    ).body;
    const batch = (await hub.api('POST', '/v1/publish', { item_ids: [item.id], connection_ids: [hub.conn] })).body;
    await waitFor(
      async () => (await hub.api('GET', `/v1/publish/${batch.id}`)).body.status === 'completed',
      'the publish',
      60_000,
    );
    remoteId = (await hub.api('GET', `/v1/content/${item.id}`)).body.targets[0].remote_id;
    await hub.nextSecond();
    await hub.site.site.edit(hub.site.kind, remoteId, {
      title: 'Winter sale on now',
      bodyHtml: '<p>Winter sale: boots and coats, from Monday.</p>\n<p>Free delivery until Sunday.</p>',
    });
    await hub.api('PATCH', `/v1/content/${item.id}`, {
      title: 'The winter sale',
      body_html: '<p>Winter sale: boots and coats, 30% off.</p>\n<p>Free delivery until Sunday.</p>',
    });
    await hub.idle();
    await hub.sync();
    const open = (await hub.api('GET', `/v1/conflicts?status=open&item_id=${item.id}`)).body.data;
    assert.equal(open.length, 1);
    conflictId = open[0].id;
  })());
after(async () => browser?.close());

test('a conflict resolved in the three-way view: the site’s title kept, the body merged by hand, and both land on the site', async () => {
  await setup();
  const { page, elsewhere, consoleErrors } = await enterPortal(browser, base, hub.org.key, { mode: 'manage' });
  await page.getByRole('link', { name: 'Conflicts', exact: true }).click();
  await page.getByRole('table', { name: 'Conflicts waiting on a decision, newest first' }).waitFor();
  await checkPage(page, 'conflicts-open');
  await page.getByRole('link', { name: 'Open conflict on Title, Body' }).click();

  const title = page.getByRole('group', { name: 'Title', exact: true });
  await title.waitFor();
  for (const text of ['Winter sale', 'The winter sale', 'Winter sale on now'])
    await title.getByText(text, { exact: true }).waitFor();
  // The body's block diff: each side rewrote the first paragraph and kept the second.
  const hubDiff = page.getByRole('region', { name: 'Changes from the last agreed body to the Hub' });
  await hubDiff
    .getByRole('listitem')
    .filter({ hasText: 'Removed' })
    .filter({ hasText: '<p>Winter sale: boots and coats.</p>' })
    .waitFor();
  await hubDiff.getByRole('listitem').filter({ hasText: 'Added' }).filter({ hasText: '30% off' }).waitFor();
  assert.equal(await hubDiff.getByRole('listitem').filter({ hasText: 'Unchanged' }).count(), 1);
  const siteDiff = page.getByRole('region', { name: 'Changes from the last agreed body to the Site' });
  await siteDiff.getByRole('listitem').filter({ hasText: 'Added' }).filter({ hasText: 'from Monday' }).waitFor();
  await checkPage(page, 'conflict-three-way');

  const resolve = page.getByRole('button', { name: 'Resolve' });
  assert.ok(await resolve.isDisabled(), 'nothing is resolved before every field has a decision');
  await title.getByRole('radio', { name: 'Site' }).check();
  const body = page.getByRole('group', { name: 'Body', exact: true });
  await body.getByRole('radio', { name: 'Write the value' }).check();
  const merged = body.getByRole('textbox', { name: 'Merged value of Body' });
  await merged.fill(MERGED);
  await checkPage(page, 'conflict-decided');
  await resolve.click();
  await page.getByText('Resolved: the result is being written to the site.').waitFor();
  await page.getByRole('heading', { name: 'Resolution' }).waitFor();

  const landed = await waitFor(
    async () => {
      const p = await hub.site.site.get(hub.site.kind, remoteId);
      return p?.title === 'Winter sale on now' && p.bodyHtml.includes('30% off') && p.bodyHtml.includes('Free delivery')
        ? p
        : null;
    },
    'the resolution on the site',
    60_000,
  );
  assert.ok(!landed.bodyHtml.includes('from Monday'), 'the written value replaced the site’s paragraph');
  const item = (await hub.api('GET', `/v1/conflicts/${conflictId}`)).body;
  assert.equal(item.status, 'resolved');
  assert.deepEqual(item.resolution, { title: 'Winter sale on now', body_html: MERGED });

  await page.getByRole('link', { name: 'Back to conflicts' }).click();
  await page.getByRole('link', { name: 'History' }).click();
  await page
    .getByRole('table', { name: 'Resolved conflicts, newest first' })
    .getByRole('link', { name: 'Open conflict on Title, Body' })
    .waitFor();
  await checkPage(page, 'conflicts-history');
  assert.deepEqual(elsewhere, []);
  assert.deepEqual(consoleErrors, []);
});

test("another org's session gets 404 for this org's conflict through every call the page makes", async () => {
  await setup();
  const other = await newOrg(hub.ctx, 'Other org');
  const { page } = await enterPortal(browser, base, other.key, { mode: 'manage' });
  await page.goto(`${base}/portal/conflicts/${conflictId}`);
  await page.getByRole('alert').filter({ hasText: 'No such conflict' }).waitFor();
  await checkPage(page, 'conflict-other-org');
  const call = await portalCaller(page, base);
  for (const [method, path, body] of [
    ['GET', `/v1/conflicts/${conflictId}`],
    ['GET', `/v1/conflicts/${conflictId}/body-blocks`],
    ['POST', `/v1/conflicts/${conflictId}/resolve`, { strategy: 'hub_wins' }],
  ] as const) {
    const r = await call(method, path, body);
    assert.equal(r.status, 404, `${method} ${path}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, 'not_found');
  }
  assert.deepEqual((await call('GET', '/v1/conflicts?status=resolved')).body.data, []);
});

test('a read-only session sees the three-way view without choices, and the API refuses a resolution (403)', async () => {
  await setup();
  // A new conflict to refuse: the title edited on both sides again.
  const item = (await hub.api('GET', `/v1/conflicts/${conflictId}`)).body.item_id;
  await hub.idle();
  await hub.nextSecond();
  await hub.site.site.edit(hub.site.kind, remoteId, { title: 'Site title, again' });
  await hub.api('PATCH', `/v1/content/${item}`, { title: 'Hub title, again' });
  await hub.idle();
  await hub.sync();
  const open = (await hub.api('GET', `/v1/conflicts?status=open&item_id=${item}`)).body.data;
  assert.equal(open.length, 1);
  const { page } = await enterPortal(browser, base, hub.org.key, { mode: 'read_only' });
  await page.goto(`${base}/portal/conflicts/${open[0].id}`);
  await page.getByRole('group', { name: 'Title', exact: true }).getByText('Site title, again').waitFor();
  assert.equal(await page.getByRole('radio').count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Resolve' }).count(), 0);
  await checkPage(page, 'conflict-read-only');
  const call = await portalCaller(page, base);
  const r = await call('POST', `/v1/conflicts/${open[0].id}/resolve`, { strategy: 'hub_wins' });
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, 'portal_read_only');
  assert.equal((await hub.api('GET', `/v1/conflicts/${open[0].id}`)).body.status, 'open');
});
