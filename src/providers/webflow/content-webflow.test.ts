/**
 * Webflow specifics beyond the shared contract: staged drafts vs live items, bulk create split
 * by status, terms created once and found by name, assets uploaded once, keyset polling over
 * items sharing one `lastUpdated`, and 429s waited out or handed back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPlexusError } from '../../core/errors.ts';
import { fields } from '../../../test/contract/content-adapter.ts';
import { webflowSite } from '../../../test/fixtures/cms/webflow.ts';
import { createNumbered, harnessOn, pollAll, readBack } from '../../../test/fixtures/cms/harness.ts';

const h = harnessOn(() => webflowSite());
const staged = (id: string) => h.site.sandbox.state().items.get(id)!;

test('a draft stays staged; publishing and unpublishing go through the live layer', async () => {
  const draft = await h.run((s, loc) => h.adapter.create(s, loc, fields(1, { status: 'draft' })));
  assert.equal(draft.fields.status, 'draft');
  assert.equal(staged(draft.remoteId).live, null);
  const live = await h.run((s, loc) =>
    h.adapter.update(s, loc, draft.remoteId, { status: 'published', title: 'Now live' }, draft.version),
  );
  assert.equal(live.fields.status, 'published');
  assert.equal(staged(draft.remoteId).live?.['name'], 'Now live');
  const edited = await h.run((s, loc) =>
    h.adapter.update(s, loc, draft.remoteId, { excerpt: 'Live edit' }, live.version),
  );
  assert.equal(
    staged(draft.remoteId).live?.['post-summary'],
    'Live edit',
    'a published item is updated on the live layer',
  );
  const back = await h.run((s, loc) => h.adapter.update(s, loc, draft.remoteId, { status: 'draft' }, edited.version));
  assert.equal(back.fields.status, 'draft');
  assert.equal(staged(draft.remoteId).live, null, 'unpublished');
});

test('bulk create: one call per status, results in input order; terms made once and matched by name', async () => {
  h.site.sandbox.requests.clear();
  const batch = [
    fields(10),
    fields(11, { status: 'draft' }),
    fields(12),
    fields(13, { status: 'draft', categories: ['Guides'] }),
  ];
  const made = await h.run((s, loc) => h.adapter.createMany!(s, loc, batch));
  assert.deepEqual(
    made.map((m) => m.fields.slug),
    batch.map((f) => f.slug),
  );
  assert.deepEqual(
    made.map((m) => m.fields.status),
    ['published', 'draft', 'published', 'draft'],
  );
  const creates = h.site.sandbox.requests
    .entries({ method: 'POST' })
    .filter((r) => new RegExp(`/collections/${h.site.collectionId}/items(/live)?$`).test(r.path));
  assert.equal(creates.length, 2);

  const [categories] = h.site.sandbox.collectionIds.slice(2);
  const terms = () => [...h.site.sandbox.state().items.values()].filter((i) => i.collectionId === categories);
  assert.equal(terms().filter((t) => t.fieldData['name'] === 'News').length, 1, 'News made once for all items');
  const editorTerm = h.site.sandbox.remote.create(categories!, { name: 'Recipes', slug: 'recipes' });
  const more = await h.run((s, loc) => h.adapter.create(s, loc, fields(14, { categories: ['recipes'] })));
  assert.equal(staged(more.remoteId).fieldData['category'], editorTerm, 'a term made on the site is found by name');
  assert.deepEqual(more.fields.categories, ['Recipes'], 'read back as the site spells it');
});

test('an image is uploaded to the site assets once and served from its hosted URL', async () => {
  const img = h.images[1]!;
  const assets = h.site.sandbox.assetCount();
  const a = await h.run((s, loc) => h.adapter.create(s, loc, fields(20, { featuredMedia: img.ref.sha256 })));
  await h.run((s, loc) => h.adapter.create(s, loc, fields(21, { featuredMedia: img.ref.sha256 })));
  assert.equal(h.site.sandbox.assetCount(), assets + 1);
  const value = staged(a.remoteId).fieldData['main-image'] as { fileId: string; url: string };
  assert.deepEqual(Buffer.from(await (await fetch(value.url)).arrayBuffer()), img.bytes);
  h.site.sandbox.remote.edit(a.remoteId, {
    'main-image': { fileId: null, url: 'https://cdn.example.test/designer.png', alt: null },
  });
  assert.equal((await readBack(h, a.remoteId))?.fields.featuredMedia, 'remote:https://cdn.example.test/designer.png');
});

test('polling pages by lastUpdated, across more items sharing one time than a page holds, and an edit mid-walk', async () => {
  const mark = (await h.run((s, loc) => h.adapter.create(s, loc, fields(30)))).modifiedAt;
  await new Promise((r) => setTimeout(r, 5));
  const made = [...(await createNumbered(h, 100, 100)), ...(await createNumbered(h, 60, 200))];
  const { items, pages, watermark } = await pollAll(h, mark, (page, changes) => {
    // An editor touches an item already returned while the walk goes on.
    if (page === 1) h.site.sandbox.remote.edit(changes.items[0]!.remoteId, { 'post-summary': 'edited mid-walk' });
  });
  const seen = new Set(items.map((i) => i.remoteId));
  assert.ok(pages >= 2);
  for (const m of made) assert.ok(seen.has(m.remoteId), `every new item is listed (${m.fields.slug})`);
  assert.ok(watermark && Date.parse(watermark) > Date.parse(mark));
});

test('a 429 is waited out for its Retry-After; a longer one reaches the caller with its delay', async () => {
  const item = await h.run((s, loc) => h.adapter.create(s, loc, fields(40)));
  h.site.sandbox.faults.rateLimit({ times: 1, retryAfterSeconds: 1 });
  assert.equal((await readBack(h, item.remoteId))?.remoteId, item.remoteId);
  h.site.sandbox.faults.rateLimit({ times: 1, retryAfterSeconds: 120 });
  await assert.rejects(
    readBack(h, item.remoteId),
    (e: unknown) => isPlexusError(e) && e.code === 'provider.rate_limited' && e.retryAfterMs === 120_000,
  );
  // The sandbox's per-token limit is settable for benches.
  h.site.sandbox.setRateLimit({ requestsPerMinute: 1 });
  try {
    const token = h.site.sandbox.createSiteToken(['cms:read']);
    const get = () =>
      fetch(`${h.site.sandbox.apiUrl}/collections/${h.site.collectionId}/items?limit=1`, {
        headers: { authorization: `Bearer ${token}` },
      });
    assert.equal((await get()).status, 200);
    const limited = await get();
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  } finally {
    h.site.sandbox.setRateLimit({ requestsPerMinute: 100_000 });
  }
});
