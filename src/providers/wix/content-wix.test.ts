/**
 * Wix specifics beyond the shared contract: HTML kept verbatim in the rich-text field, the
 * publish flag, the full-replace PUT keeping fields Plexus does not sync, bulk insert with a
 * refused item, Media Manager uploads, keyset polling, and a 429 waited out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPlexusError } from '../../core/errors.ts';
import { fields } from '../../../test/contract/content-adapter.ts';
import { wixSite } from '../../../test/fixtures/cms/wix.ts';
import { createNumbered, harnessOn, pollAll, readBack } from '../../../test/fixtures/cms/harness.ts';

const h = harnessOn(() => wixSite());
const stored = (id: string) => h.site.sandbox.data().items.get(h.site.sandbox.dataCollectionId)!.get(id)!;

test('posts land in the rich-text CMS collection: HTML verbatim, the publish flag, taxonomy as string arrays', async () => {
  assert.equal(await h.run(async (_s, loc) => loc.collection, 'item'), h.site.sandbox.dataCollectionId);
  const html =
    '<h2 id="a">Heading</h2>\n<figure class="wide"><img src="https://example.test/x.png" alt="x"><figcaption>Cap &amp; more</figcaption></figure>\n<table><tr><td>1</td></tr></table>';
  const draft = await h.run((s, loc) =>
    h.adapter.create(s, loc, fields(1, { bodyHtml: html, status: 'draft', categories: ['News', 'Guides'] })),
  );
  assert.equal(draft.fields.bodyHtml, html);
  assert.equal(draft.fields.status, 'draft');
  assert.equal(stored(draft.remoteId)['published'], false);
  assert.deepEqual(stored(draft.remoteId)['categories'], ['News', 'Guides']);
  const live = await h.run((s, loc) =>
    h.adapter.update(s, loc, draft.remoteId, { status: 'published' }, draft.version),
  );
  assert.equal(live.fields.status, 'published');
});

test('an update writes the whole item back: fields Plexus does not sync survive the full-replace PUT', async () => {
  const item = await h.run((s, loc) => h.adapter.create(s, loc, fields(2)));
  h.site.sandbox.remote.edit(item.remoteId, { seoNotes: 'kept by the editor' });
  const read = await readBack(h, item.remoteId);
  const updated = await h.run((s, loc) => h.adapter.update(s, loc, item.remoteId, { title: 'Renamed' }, read!.version));
  assert.equal(updated.fields.title, 'Renamed');
  assert.equal(stored(item.remoteId)['seoNotes'], 'kept by the editor');
  assert.equal(stored(item.remoteId)['excerpt'], fields(2).excerpt);
});

test('bulk insert: one call in input order; a refused item fails the batch with Wix’s message, the others stay in', async () => {
  h.site.sandbox.requests.clear();
  const batch = [fields(10), fields(11), fields(12)];
  const made = await h.run((s, loc) => h.adapter.createMany!(s, loc, batch));
  assert.deepEqual(
    made.map((m) => m.fields.slug),
    batch.map((f) => f.slug),
  );
  assert.equal(
    h.site.sandbox.requests.entries({ method: 'POST', pathPrefix: '/wix-data/v2/bulk/items/insert' }).length,
    1,
  );
  const mixed = [fields(13), fields(14, { title: '' })];
  await assert.rejects(
    h.run((s, loc) => h.adapter.createMany!(s, loc, mixed)),
    (e: unknown) => isPlexusError(e) && e.retry === 'permanent' && /Title is required/.test(e.message),
  );
  assert.equal(await h.site.site.countBySlug('post', mixed[0]!.slug), 1, 'found again by slug on retry');
});

test('a featured image goes to the Media Manager once; the field holds its wix:image URI', async () => {
  const img = h.images[2]!;
  const files = h.site.sandbox.mediaCount();
  const a = await h.run((s, loc) => h.adapter.create(s, loc, fields(20, { featuredMedia: img.ref.sha256 })));
  const b = await h.run((s, loc) => h.adapter.create(s, loc, fields(21, { featuredMedia: img.ref.sha256 })));
  assert.equal(h.site.sandbox.mediaCount(), files + 1);
  const uri = String(stored(a.remoteId)['coverImage']);
  assert.match(uri, /^wix:image:\/\/v1\/[^/]+\/image-3\.png#originWidth=1&originHeight=1$/);
  assert.equal(stored(b.remoteId)['coverImage'], uri);
  assert.equal(b.fields.featuredMedia, img.ref.sha256);
  const fileId = /^wix:image:\/\/v1\/([^/]+)/.exec(uri)![1]!;
  assert.deepEqual(Buffer.from(await (await fetch(`${h.site.sandbox.url}/media/${fileId}`)).arrayBuffer()), img.bytes);
  h.site.sandbox.remote.edit(a.remoteId, {
    coverImage: 'wix:image://v1/other_123~mv2.jpg/photo.jpg#originWidth=10&originHeight=10',
  });
  assert.equal((await readBack(h, a.remoteId))?.fields.featuredMedia, 'remote:other_123~mv2.jpg');
});

test('polling by _updatedDate walks more items sharing one time than a page holds', async () => {
  const mark = (await h.run((s, loc) => h.adapter.create(s, loc, fields(30)))).modifiedAt;
  await new Promise((r) => setTimeout(r, 5));
  const made = await createNumbered(h, 150, 300);
  const { items, pages } = await pollAll(h, mark);
  const seen = new Set(items.map((i) => i.remoteId));
  assert.ok(pages >= 2);
  for (const m of made) assert.ok(seen.has(m.remoteId));
});

test('a 429 is waited out for its Retry-After', async () => {
  const item = await h.run((s, loc) => h.adapter.create(s, loc, fields(40)));
  h.site.sandbox.faults.rateLimit({ times: 1, retryAfterSeconds: 1 });
  assert.equal((await readBack(h, item.remoteId))?.remoteId, item.remoteId);
  assert.equal(h.site.sandbox.requests.entries({ status: 429 }).length >= 1, true);
});
