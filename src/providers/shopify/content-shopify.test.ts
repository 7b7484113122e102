/**
 * Shopify specifics beyond the shared contract: tags without categories on articles, pages and
 * products, the article image uploaded once and reused by URL, handles Shopify de-duplicates,
 * Link-header paging, same-second edits, and the leaky bucket waited out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPlexusError } from '../../core/errors.ts';
import { fields } from '../../../test/contract/content-adapter.ts';
import { shopifySite } from '../../../test/fixtures/cms/shopify.ts';
import { harnessOn, pollAll } from '../../../test/fixtures/cms/harness.ts';

const h = harnessOn(() => shopifySite({ size: 1200 }));

test('articles keep tags and drop categories; pages and products map status, tags and product type', async () => {
  const post = await h.run((s, loc) => h.adapter.create(s, loc, fields(1, { categories: ['News'], tags: ['spring', 'launch'] })));
  assert.deepEqual([...post.fields.tags].sort(), ['launch', 'spring']);
  assert.deepEqual(post.fields.categories, [], 'Shopify articles have no categories');
  assert.equal(h.site.sandbox.data().items.get(Number(post.remoteId))?.fields['tags'], 'spring, launch');

  const page = await h.run((s, loc) => h.adapter.create(s, loc, fields(2, { status: 'draft', tags: ['ignored'] })), 'page');
  assert.equal(page.fields.status, 'draft');
  assert.equal(h.site.sandbox.data().items.get(Number(page.remoteId))?.publishedAt, null);
  const live = await h.run((s, loc) => h.adapter.update(s, loc, page.remoteId, { status: 'published' }, page.version), 'page');
  assert.equal(live.fields.status, 'published');

  const product = await h.run((s, loc) => h.adapter.create(s, loc, fields(3, { status: 'draft', categories: ['Apparel'], tags: ['cotton'] })), 'product');
  const raw = h.site.sandbox.data().items.get(Number(product.remoteId))!.fields;
  assert.equal(raw['status'], 'draft');
  assert.equal(raw['product_type'], 'Apparel');
  assert.deepEqual(product.fields.categories, ['Apparel']);
  assert.equal(product.fields.bodyHtml, fields(3).bodyHtml, 'the description is body_html');
  h.site.sandbox.remote.edit(product.remoteId, { status: 'archived' });
  assert.equal((await h.run((s, loc) => h.adapter.read(s, loc, product.remoteId), 'product'))?.trashed, true, 'archived reads as removed');
});

test('a featured image goes up once as bytes, then by its CDN URL; a merchant-set image reads as remote', async () => {
  const [img] = h.images;
  const before = h.uploads();
  const a = await h.run((s, loc) => h.adapter.create(s, loc, fields(10, { featuredMedia: img!.ref.sha256 })));
  const b = await h.run((s, loc) => h.adapter.create(s, loc, fields(11, { featuredMedia: img!.ref.sha256 })));
  assert.equal(h.uploads(), before + 1);
  const srcOf = (id: string) => String((h.site.sandbox.data().items.get(Number(id))!.fields['image'] as { src: string }).src);
  assert.equal(srcOf(a.remoteId).split('?')[0], srcOf(b.remoteId).split('?')[0], 'the second article points at the same file');
  assert.equal(b.fields.featuredMedia, img!.ref.sha256);
  const served = await fetch(srcOf(a.remoteId));
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), img!.bytes);

  h.site.sandbox.remote.edit(a.remoteId, { image: { src: 'https://cdn.example.test/merchant.png', alt: null } });
  const edited = await h.run((s, loc) => h.adapter.read(s, loc, a.remoteId));
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
    (e: unknown) => isPlexusError(e) && e.code === 'provider.invalid_request' && /handle has already been taken/.test(e.message),
  );
});

test('an edit in the same second as the last read still blocks the write (the version carries a digest)', async () => {
  const item = await h.run((s, loc) => h.adapter.create(s, loc, fields(30)));
  h.site.sandbox.remote.edit(item.remoteId, { title: 'Edited at once' });
  await assert.rejects(
    h.run((s, loc) => h.adapter.update(s, loc, item.remoteId, { title: 'Plexus' }, item.version)),
    (e: unknown) => isPlexusError(e) && e.code === 'content.remote_changed',
  );
  assert.equal(h.site.sandbox.data().items.get(Number(item.remoteId))?.fields['title'], 'Edited at once');
});

test('a full poll walks every Link-header page of the blog', async () => {
  const { items, pages } = await pollAll(h, null);
  const seen = new Set(items.map((i) => i.remoteId));
  const blogId = Number(await h.run(async (_s, loc) => loc.collection));
  assert.ok(pages > 1, `more than one page (${pages})`);
  assert.equal(seen.size, h.site.sandbox.data().of('article', blogId).length);
});

test('a full bucket is waited out at the leak rate; a wait past the bound goes to the caller', async () => {
  h.site.sandbox.setRateLimit({ bucketSize: 3, leakPerSecond: 20 });
  h.site.sandbox.requests.clear();
  try {
    const batch = Array.from({ length: 12 }, (_, i) => fields(40 + i));
    const made = await Promise.all(batch.map((f) => h.run((s, loc) => h.adapter.create(s, loc, f))));
    assert.equal(made.length, 12);
    for (const f of batch) assert.equal(await h.site.site.countBySlug('post', f.slug), 1);
    assert.ok(h.site.sandbox.requests.entries({ status: 429 }).length > 0, 'the bucket did fill');

    h.site.sandbox.setRateLimit({ bucketSize: 1, leakPerSecond: 0.01 });
    h.site.sandbox.bucket.fill();
    await assert.rejects(
      h.run((s, loc) => h.adapter.create(s, loc, fields(60))),
      (e: unknown) => isPlexusError(e) && e.code === 'provider.rate_limited' && (e.retryAfterMs ?? 0) > 20_000,
    );
  } finally {
    h.site.sandbox.setRateLimit({ bucketSize: 40, leakPerSecond: 2 });
    h.site.sandbox.bucket.reset();
  }
});
