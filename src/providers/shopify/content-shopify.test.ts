/**
 * Shopify specifics beyond the shared contract, all on the GraphQL Admin API: tags without
 * categories on articles, pages and products, the article image uploaded once (staged upload +
 * fileCreate) and reused by URL, handles Shopify de-duplicates, a full read through a bulk
 * operation, same-second edits, and THROTTLED answers waited out by the query-cost numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPlexusError } from '../../core/errors.ts';
import { fields } from '../../../test/contract/content-adapter.ts';
import { shopId, shopifySite } from '../../../test/fixtures/cms/shopify.ts';
import { harnessOn, pollAll, readBack } from '../../../test/fixtures/cms/harness.ts';

const h = harnessOn(() => shopifySite({ size: 1200 }));

test('articles keep tags and drop categories; pages and products map status, tags and product type', async () => {
  const post = await h.run((s, loc) =>
    h.adapter.create(s, loc, fields(1, { categories: ['News'], tags: ['spring', 'launch'] })),
  );
  assert.deepEqual([...post.fields.tags].sort(), ['launch', 'spring']);
  assert.deepEqual(post.fields.categories, [], 'Shopify articles have no categories');
  assert.equal(h.site.sandbox.data().items.get(shopId(post.remoteId))?.fields['tags'], 'spring, launch');

  const page = await h.run(
    (s, loc) => h.adapter.create(s, loc, fields(2, { status: 'draft', tags: ['ignored'] })),
    'page',
  );
  assert.equal(page.fields.status, 'draft');
  assert.equal(h.site.sandbox.data().items.get(shopId(page.remoteId))?.publishedAt, null);
  const live = await h.run(
    (s, loc) => h.adapter.update(s, loc, page.remoteId, { status: 'published' }, page.version),
    'page',
  );
  assert.equal(live.fields.status, 'published');

  const product = await h.run(
    (s, loc) => h.adapter.create(s, loc, fields(3, { status: 'draft', categories: ['Apparel'], tags: ['cotton'] })),
    'product',
  );
  const raw = h.site.sandbox.data().items.get(shopId(product.remoteId))!.fields;
  assert.equal(raw['status'], 'draft');
  assert.equal(raw['product_type'], 'Apparel');
  assert.deepEqual(product.fields.categories, ['Apparel']);
  assert.equal(product.fields.bodyHtml, fields(3).bodyHtml, 'the description is body_html');
  assert.match(product.remoteId, /^gid:\/\/shopify\/Product\/\d+$/);
  h.site.sandbox.remote.edit(String(shopId(product.remoteId)), { status: 'archived' });
  assert.equal((await readBack(h, product.remoteId, 'product'))?.trashed, true, 'archived reads as removed');
});

test('a featured image goes up once (staged upload, fileCreate), then by its CDN URL; a merchant-set image reads as remote', async () => {
  const [img] = h.images;
  const before = h.uploads();
  const staged = h.site.sandbox.media.uploads;
  const a = await h.run((s, loc) => h.adapter.create(s, loc, fields(10, { featuredMedia: img!.ref.sha256 })));
  const b = await h.run((s, loc) => h.adapter.create(s, loc, fields(11, { featuredMedia: img!.ref.sha256 })));
  assert.equal(h.uploads(), before + 1);
  assert.equal(h.site.sandbox.media.uploads, staged + 1, 'one upload to a staged target');
  const srcOf = (id: string) =>
    String((h.site.sandbox.data().items.get(shopId(id))!.fields['image'] as { src: string }).src);
  assert.equal(
    srcOf(a.remoteId).split('?')[0],
    srcOf(b.remoteId).split('?')[0],
    'the second article points at the same file',
  );
  assert.equal(b.fields.featuredMedia, img!.ref.sha256);
  const served = await fetch(srcOf(a.remoteId));
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), img!.bytes);

  h.site.sandbox.remote.edit(String(shopId(a.remoteId)), {
    image: { src: 'https://cdn.example.test/merchant.png', alt: null },
  });
  const edited = await readBack(h, a.remoteId);
  assert.equal(edited?.fields.featuredMedia, 'remote:https://cdn.example.test/merchant.png');
  const cleared = await h.run((s, loc) => h.adapter.update(s, loc, b.remoteId, { featuredMedia: null }, b.version));
  assert.equal(cleared.fields.featuredMedia, null);
});

test('a taken handle gets Shopify’s -1 suffix: the duplicate is counted, findBySlug keeps the exact handle', async () => {
  const f = fields(20);
  const first = await h.run((s, loc) => h.adapter.create(s, loc, f));
  const again = await h.run((s, loc) => h.adapter.create(s, loc, f));
  assert.equal(again.fields.slug, `${f.slug}-1`);
  assert.equal(await h.site.site.countBySlug('post', f.slug), 2);
  assert.equal(h.site.site.stats('post').duplicates[f.slug], 2);
  assert.equal((await h.run((s, loc) => h.adapter.findBySlug(s, loc, f.slug)))?.remoteId, first.remoteId);
  await assert.rejects(
    h.run((s, loc) => h.adapter.update(s, loc, again.remoteId, { slug: f.slug }, again.version)),
    (e: unknown) =>
      isPlexusError(e) &&
      e.code === 'provider.invalid_request' &&
      /handle: Handle has already been taken/.test(e.message),
  );
});

test('an edit in the same second as the last read still blocks the write (the version carries a digest)', async () => {
  const item = await h.run((s, loc) => h.adapter.create(s, loc, fields(30)));
  h.site.sandbox.remote.edit(String(shopId(item.remoteId)), { title: 'Edited at once' });
  await assert.rejects(
    h.run((s, loc) => h.adapter.update(s, loc, item.remoteId, { title: 'Plexus' }, item.version)),
    (e: unknown) => isPlexusError(e) && e.code === 'content.remote_changed',
  );
  assert.equal(h.site.sandbox.data().items.get(shopId(item.remoteId))?.fields['title'], 'Edited at once');
});

test('a full poll reads the blog through one bulk operation and its JSONL file, a page at a time', async () => {
  h.site.sandbox.requests.clear();
  const { items, pages } = await pollAll(h, null);
  const seen = new Set(items.map((i) => i.remoteId));
  const blogId = shopId(String(await h.run(async (_s, loc) => loc.collection)));
  const expected = h.site.sandbox.data().of('article', blogId).length;
  assert.ok(expected > 250, `enough articles for two pages (${expected})`);
  assert.ok(pages > 1, `more than one page (${pages})`);
  assert.equal(seen.size, expected);
  const files = h.site.sandbox.requests.entries().filter((e) => e.path.startsWith('/bulk-results/'));
  assert.equal(files.length, pages, 'each page read from the bulk result file');
});

test('THROTTLED answers are waited out by restore rate and sent again; a wait past the bound goes to the caller', async () => {
  const sb = h.site.sandbox;
  sb.setRateLimit({ maximumAvailable: 30, restoreRate: 40 });
  sb.bucket.reset();
  sb.requests.clear();
  const before = sb.charges().length;
  try {
    const batch = Array.from({ length: 12 }, (_, i) => fields(40 + i));
    const made = await Promise.all(batch.map((f) => h.run((s, loc) => h.adapter.create(s, loc, f))));
    assert.equal(made.length, 12);
    for (const f of batch) assert.equal(await h.site.site.countBySlug('post', f.slug), 1);
    const throttled =
      sb.requests.entries().filter((e) => e.path.endsWith('/graphql.json')).length - (sb.charges().length - before);
    assert.ok(throttled > 0, 'some calls were THROTTLED');

    sb.setRateLimit({ maximumAvailable: 30, restoreRate: 0.01 });
    sb.bucket.drain();
    await assert.rejects(
      h.run((s, loc) => h.adapter.create(s, loc, fields(60))),
      (e: unknown) => isPlexusError(e) && e.code === 'provider.rate_limited' && (e.retryAfterMs ?? 0) > 20_000,
    );
  } finally {
    sb.setRateLimit({ maximumAvailable: 2000, restoreRate: 100 });
    sb.bucket.reset();
  }
});
