/**
 * Polling Drupal beyond the shared contract: the (changed, nid) keyset reads a second holding
 * many nodes across pages of 50 without skipping or repeating, and a node saved while the pages
 * are read is listed with that save.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fields } from '../../../test/contract/content-adapter.ts';
import { drupalSite } from '../../../test/fixtures/cms/drupal.ts';
import { harnessOn, pollAll, pollWithSaveMidway } from '../../../test/fixtures/cms/harness.ts';
import type { RemoteContent } from '../contracts/content.ts';
import { drupalContent as drupal } from './content.ts';

const T = Date.parse('2026-03-02T09:00:00Z');
const clock = { t: T };
const h = harnessOn(() => drupalSite({ now: () => clock.t }));

test('one second holding more nodes than a page: every article once, across pages of 50', async () => {
  const made: RemoteContent[] = [];
  for (let i = 0; i < 130; i++) made.push(await h.run((s, loc) => drupal.create(s, loc, fields(i, { tags: [] }))));
  const { items, watermark, pages } = await pollAll(h, null);
  const ids = items.map((i) => i.remoteId);
  assert.equal(new Set(ids).size, ids.length, 'no node twice');
  assert.deepEqual(
    [...ids].sort(),
    h.site.sandbox
      .nodes()
      .filter((n) => n.bundle === 'article')
      .map((n) => n.uuid)
      .sort(),
  );
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
  const { items, watermark } = await pollWithSaveMidway(h, since, clock, target.remoteId, '<p>Saved mid-poll.</p>');
  const ids = items.map((i) => i.remoteId);
  for (const m of made) assert.ok(ids.includes(m.remoteId));
  assert.equal(items.filter((i) => i.remoteId === target.remoteId).at(-1)?.fields.bodyHtml, '<p>Saved mid-poll.</p>');
  assert.equal(ids.length, made.length + 1, 'only the saved node comes twice');
  assert.equal(watermark, new Date(clock.t).toISOString());
  const quiet = await pollAll(h, watermark);
  assert.deepEqual([quiet.items, quiet.watermark], [[], watermark]);
});
