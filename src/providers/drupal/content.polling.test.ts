/**
 * Polling Drupal beyond the shared contract: the (changed, nid) keyset reads a second holding
 * many nodes across pages of 50 without skipping or repeating, and a node saved while the pages
 * are read is listed with that save.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fields } from '../../../test/contract/content-adapter.ts';
import { drupalSite, type DrupalSite } from '../../../test/fixtures/cms/drupal.ts';
import { openHarness, type Harness } from '../../../test/fixtures/cms/harness.ts';
import type { ChangesPage, RemoteContent } from '../../sync/content/types.ts';
import { drupalContent as drupal } from './content.ts';

const T = Date.parse('2026-03-02T09:00:00Z');
const clock = { t: T };
let site: DrupalSite;
let h: Harness;

before(async () => {
  site = await drupalSite({ now: () => clock.t });
  h = await openHarness(site);
});
after(async () => {
  await h?.close();
  await site?.close();
});

async function poll(since: string | null, between: (page: number) => Promise<void> = async () => {}): Promise<{ items: RemoteContent[]; watermark: string | null; pages: number }> {
  const items: RemoteContent[] = [];
  let cursor: string | null = null;
  let watermark: string | null = null;
  let pages = 0;
  do {
    const page: ChangesPage = await h.run((s, loc) => drupal.changedSince(s, loc, since, cursor));
    pages++;
    items.push(...page.items);
    watermark = page.watermark ?? watermark;
    cursor = page.next;
    if (cursor) await between(pages);
  } while (cursor);
  return { items, watermark, pages };
}

test('one second holding more nodes than a page: every article once, across pages of 50', async () => {
  const made: RemoteContent[] = [];
  for (let i = 0; i < 130; i++) made.push(await h.run((s, loc) => drupal.create(s, loc, fields(i, { tags: [] }))));
  const { items, watermark, pages } = await poll(null);
  const ids = items.map((i) => i.remoteId);
  assert.equal(new Set(ids).size, ids.length, 'no node twice');
  assert.deepEqual([...ids].sort(), site.sandbox.nodes().filter((n) => n.bundle === 'article').map((n) => n.uuid).sort());
  for (const m of made) assert.ok(ids.includes(m.remoteId));
  assert.ok(pages >= 5);
  assert.equal(watermark, new Date(T).toISOString());
});

test('a node saved while the pages are read is listed with that save; untouched ones once', async () => {
  const since = new Date(clock.t).toISOString();
  const made: RemoteContent[] = [];
  for (let i = 0; i < 120; i++) {
    if (i % 20 === 0) clock.t += 1000;
    made.push(await h.run((s, loc) => drupal.create(s, loc, fields(500 + i, { tags: [] }))));
  }
  const target = made[2]!;
  const { items, watermark } = await poll(since, async (page) => {
    if (page !== 1) return;
    clock.t += 10_000;
    await site.site.edit('post', target.remoteId, { bodyHtml: '<p>Saved mid-poll.</p>' });
  });
  const ids = items.map((i) => i.remoteId);
  for (const m of made) assert.ok(ids.includes(m.remoteId));
  assert.equal(items.filter((i) => i.remoteId === target.remoteId).at(-1)?.fields.bodyHtml, '<p>Saved mid-poll.</p>');
  assert.equal(ids.length, made.length + 1, 'only the saved node comes twice');
  assert.equal(watermark, new Date(clock.t).toISOString());
  const quiet = await poll(watermark);
  assert.deepEqual([quiet.items, quiet.watermark], [[], watermark]);
});
