/**
 * Polling WordPress beyond the shared contract: pages keyed by whole seconds, so a second holding
 * more items than a page is drained without skipping or repeating, an item edited while the
 * pages are read is not lost, and trashed posts come back as deletions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fields } from '../../../test/contract/content-adapter.ts';
import { harnessOn, pollAll, pollWithSaveMidway } from '../../../test/fixtures/cms/harness.ts';
import { wordpressSite } from '../../../test/fixtures/cms/wordpress.ts';
import type { RemoteContent } from '../contracts/content.ts';
import { wordpressContent as wp } from './content.ts';

const T = Date.parse('2026-03-02T09:00:00Z');
const clock = { t: T };
const h = harnessOn(() => wordpressSite({ now: () => clock.t }));

const postsOnSite = () => [...h.site.sandbox.site().posts.values()].filter((p) => p.type === 'post');

test('a second holding more items than a page is drained by id: every post once, none twice', async () => {
  const made = await h.run((s, loc) =>
    wp.createMany!(
      s,
      loc,
      Array.from({ length: 230 }, (_, i) => fields(i, { categories: [], tags: [] })),
    ),
  );
  const drains = () => h.site.sandbox.requests.entries().filter((r) => r.query['orderby'] === 'id').length;
  const before = drains();
  const { items, watermark, pages } = await pollAll(h, null);
  const ids = items.map((i) => i.remoteId);
  assert.equal(new Set(ids).size, ids.length, 'no item twice');
  assert.deepEqual(
    [...ids].sort(),
    postsOnSite()
      .map((p) => String(p.id))
      .sort(),
    'every post, trashed ones included',
  );
  for (const m of made) assert.ok(ids.includes(m.remoteId));
  assert.ok(drains() - before >= 2, 'the crowded second was drained by id');
  assert.ok(pages >= 5);
  assert.equal(watermark, new Date(T).toISOString());
  assert.ok(
    items.some((i) => i.trashed),
    'seeded trashed posts read as trashed',
  );
});

test('an item edited while the pages are read is listed with its edit, and the watermark passes it', async () => {
  const since = new Date(clock.t).toISOString();
  const made: RemoteContent[] = [];
  for (let batch = 0; batch < 10; batch++) {
    clock.t += 1000;
    made.push(
      ...(await h.run((s, loc) =>
        wp.createMany!(
          s,
          loc,
          Array.from({ length: 25 }, (_, i) => fields(1000 + batch * 25 + i, { categories: [], tags: [] })),
        ),
      )),
    );
  }
  const target = made[3]!;
  const { items, watermark } = await pollWithSaveMidway(h, since, clock, target.remoteId, '<p>Edited mid-poll.</p>');
  const ids = items.map((i) => i.remoteId);
  for (const m of made) assert.ok(ids.includes(m.remoteId), `post ${m.remoteId} is listed`);
  const seenTarget = items.filter((i) => i.remoteId === target.remoteId);
  assert.equal(seenTarget.at(-1)?.fields.bodyHtml, '<p>Edited mid-poll.</p>');
  assert.ok(ids.length - new Set(ids).size <= 1, 'only the edited item may come twice');
  assert.equal(watermark, new Date(clock.t).toISOString());

  // Nothing changed since: an empty poll keeps the watermark where it was.
  const quiet = await pollAll(h, watermark);
  assert.deepEqual(quiet.items, []);
  assert.equal(quiet.watermark, watermark);
});

test('a post trashed on the site comes back as a deletion; one deleted for good is simply absent', async () => {
  const since = new Date(clock.t).toISOString();
  clock.t += 1000;
  const [a, b] = await h.run((s, loc) => wp.createMany!(s, loc, [fields(2000), fields(2001)]));
  clock.t += 1000;
  await h.site.site.remove('post', a!.remoteId);
  h.site.sandbox.remote.purge(b!.remoteId);
  const { items } = await pollAll(h, since);
  assert.deepEqual(
    items.map((i) => [i.remoteId, i.trashed ?? false]),
    [[a!.remoteId, true]],
  );
});
