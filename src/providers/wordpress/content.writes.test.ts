/**
 * WordPress writes beyond the shared contract: versions inside one second, a remembered image
 * deleted on the site, term names WordPress escapes or spells in another case, a batch that
 * fails halfway, a site without trash, pages, and 404s that are not deletions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPlexusError } from '../../core/errors.ts';
import { fields } from '../../../test/contract/content-adapter.ts';
import { failedBatch, harnessOn, openHarness } from '../../../test/fixtures/cms/harness.ts';
import { wordpressSite } from '../../../test/fixtures/cms/wordpress.ts';
import { seedConnection } from '../../../test/helpers/connections.ts';
import { wordpressContent as wp } from './content.ts';

// The site's clock stands still unless a test moves it: every write lands in the same second.
const clock = { t: Date.parse('2026-03-02T09:00:00Z') };
const h = harnessOn(() => wordpressSite({ now: () => clock.t }));

test('two writes in one second still move the version, and an editor saving in that second is caught', async () => {
  const created = await h.run((s, loc) => wp.create(s, loc, fields(1)));
  const updated = await h.run((s, loc) =>
    wp.update(s, loc, created.remoteId, { title: 'Second write' }, created.version),
  );
  assert.equal(updated.modifiedAt, created.modifiedAt, 'the same second');
  assert.notEqual(updated.version, created.version);
  await h.site.site.edit('post', created.remoteId, { excerpt: 'Editor, same second' });
  await assert.rejects(
    h.run((s, loc) => wp.update(s, loc, created.remoteId, { title: 'Would overwrite' }, updated.version)),
    (e: unknown) => isPlexusError(e) && e.code === 'content.remote_changed',
  );
  assert.equal((await h.site.site.get('post', created.remoteId))?.excerpt, 'Editor, same second');
  // With the version just read, the write lands and keeps the editor's excerpt.
  const fresh = await h.run((s, loc) => wp.read(s, loc, created.remoteId));
  const merged = await h.run((s, loc) =>
    wp.update(s, loc, created.remoteId, { title: 'After reading again' }, fresh!.version),
  );
  assert.equal(merged.fields.title, 'After reading again');
  assert.equal(merged.fields.excerpt, 'Editor, same second');
});

test('an image remembered for the site but deleted there is uploaded again', async () => {
  const sha = h.images[0]!.ref.sha256;
  const a = await h.run((s, loc) => wp.create(s, loc, fields(2, { featuredMedia: sha })));
  const first = (a.raw as { featured_media: number }).featured_media;
  assert.equal(h.site.sandbox.site().media.get(first)?.alt, h.images[0]!.ref.alt, 'alt text sent with the upload');
  const uploads = h.uploads();
  // An editor empties the media library entry (attachments have no trash: force).
  const del = await fetch(h.site.sandbox.restUrl(`/wp/v2/media/${first}`, { force: 'true' }), {
    method: 'DELETE',
    headers: { authorization: h.site.sandbox.basicAuth() },
  });
  assert.equal(del.status, 200);
  const b = await h.run((s, loc) => wp.create(s, loc, fields(3, { featuredMedia: sha })));
  assert.equal(b.fields.featuredMedia, sha);
  assert.equal(h.uploads(), uploads + 1, 'one new upload');
  assert.notEqual((b.raw as { featured_media: number }).featured_media, first);
  // An image only the site has reads back as remote:<id> and can be written as such.
  const only = (b.raw as { featured_media: number }).featured_media;
  const c = await h.run((s, loc) => wp.create(s, loc, fields(4, { featuredMedia: `remote:${only}` })));
  assert.equal(c.fields.featuredMedia, sha, 'an id Plexus knows maps back to its hash');
  const none = await h.run((s, loc) => wp.update(s, loc, c.remoteId, { featuredMedia: null }, c.version));
  assert.equal(none.fields.featuredMedia, null);
});

test('term names: escaped ampersands round-trip, other spellings reuse the term, missing ones are created once', async () => {
  const before = h.site.sandbox.site().terms.size;
  const a = await h.run((s, loc) =>
    wp.create(s, loc, fields(5, { categories: ['News & Events', 'guides'], tags: ['Q1 <launch>'] })),
  );
  assert.deepEqual(
    [...a.fields.categories].sort(),
    ['Guides', 'News & Events'],
    'the seeded "Guides" is reused; names read back as the site spells them',
  );
  assert.deepEqual(a.fields.tags, ['Q1'], 'WordPress strips tags from term names');
  assert.ok(
    [...h.site.sandbox.site().terms.values()].some((t) => t.name === 'News &amp; Events'),
    'stored escaped, as WordPress does',
  );
  // Another job (fresh term cache) with another spelling: found, not created again.
  const b = await h.run((s, loc) => wp.create(s, loc, fields(6, { categories: ['news & events'], tags: ['q1'] })));
  assert.deepEqual(b.fields.categories, ['News & Events']);
  assert.deepEqual(b.fields.tags, ['Q1']);
  assert.equal(h.site.sandbox.site().terms.size, before + 2);
  // No categories at all is kept as none (WordPress only adds the default when the field is absent).
  const c = await h.run((s, loc) => wp.create(s, loc, fields(7, { categories: [], tags: [] })));
  assert.deepEqual(c.fields.categories, []);
});

test('a batch that fails halfway names what it created; the created items exist once', async () => {
  const items = [fields(8), fields(9, { title: '', bodyHtml: '', excerpt: '' }), fields(10)];
  const err = await failedBatch(h, items);
  assert.ok(isPlexusError(err));
  assert.equal(err.retry, 'permanent');
  assert.match(err.message, /item 2 of the batch: Content, title, and excerpt are empty\./);
  const d = err.details as { created: { index: number; remoteId: string }[]; failed: { index: number }[] };
  assert.deepEqual(
    d.created.map((c) => c.index),
    [0, 2],
  );
  assert.deepEqual(
    d.failed.map((f) => f.index),
    [1],
  );
  for (const c of d.created)
    assert.equal((await h.run((s, loc) => wp.read(s, loc, c.remoteId)))?.fields.slug, items[c.index]!.slug);
  assert.equal(await h.site.site.countBySlug('post', items[0]!.slug), 1);
});

test('more items than one batch holds go out in batches of 25, in order', async () => {
  const items = Array.from({ length: 30 }, (_, i) => fields(100 + i, { featuredMedia: h.images[1]!.ref.sha256 }));
  const batchCalls = () =>
    h.site.sandbox.requests.entries().filter((r) => r.query['rest_route'] === '/batch/v1').length;
  const uploads = h.uploads();
  const before = batchCalls();
  const out = await h.run((s, loc) => wp.createMany!(s, loc, items));
  assert.deepEqual(
    out.map((o) => o.fields.slug),
    items.map((f) => f.slug),
  );
  assert.ok(out.every((o) => o.fields.featuredMedia === h.images[1]!.ref.sha256));
  assert.equal(batchCalls() - before, 2);
  assert.equal(h.uploads(), uploads + 1, 'the shared image is uploaded once');
});

test('pages: no taxonomy or excerpt in core, found by slug, listed by polling', async () => {
  const f = fields(11, { categories: ['Ignored'], tags: ['ignored'] });
  const page = await h.run((s, loc) => wp.create(s, loc, f), 'page');
  assert.deepEqual([page.fields.categories, page.fields.tags, page.fields.excerpt], [[], [], '']);
  assert.equal((await h.run((s, loc) => wp.findBySlug(s, loc, f.slug), 'page'))?.remoteId, page.remoteId);
  assert.equal(await h.run((s, loc) => wp.read(s, loc, page.remoteId)), null, 'a page is not a post');
  const since = new Date(Date.parse(page.modifiedAt) - 1000).toISOString();
  const changes = await h.run((s, loc) => wp.changedSince(s, loc, since, null), 'page');
  assert.deepEqual(
    changes.items.map((i) => i.remoteId),
    [page.remoteId],
  );
  assert.ok(![...h.site.sandbox.site().terms.values()].some((t) => t.name === 'Ignored'));
});

test('a missing post reads as null and removing it again is fine; a 404 that is not WordPress is an error', async () => {
  const a = await h.run((s, loc) => wp.create(s, loc, fields(12)));
  await h.run((s, loc) => wp.remove(s, loc, a.remoteId));
  await h.run((s, loc) => wp.remove(s, loc, a.remoteId));
  assert.equal((await h.run((s, loc) => wp.read(s, loc, a.remoteId)))?.trashed, true);
  assert.equal(await h.run((s, loc) => wp.read(s, loc, '99999999')), null);
  await assert.rejects(
    h.run((s, loc) => wp.update(s, loc, '99999999', { title: 'x' }, 'v')),
    (e: unknown) => isPlexusError(e) && e.code === 'provider.not_found',
  );
  // A site URL where no WordPress answers (an HTML 404 page): an error, never "the post was deleted".
  const blog = `${h.site.sandbox.siteUrl}/blog`;
  const elsewhere = await openHarness({
    ...h.site,
    connect: (ctx, orgId) =>
      seedConnection(
        ctx.db,
        ctx.keyring,
        orgId,
        'wordpress',
        { kind: 'basic', username: h.site.sandbox.username, password: h.site.sandbox.applicationPassword },
        { config: { siteUrl: blog } },
      ),
  });
  try {
    await assert.rejects(
      elsewhere.run((s, loc) => wp.read(s, loc, a.remoteId)),
      (e: unknown) => isPlexusError(e) && e.code === 'provider.not_found',
    );
  } finally {
    await elsewhere.close();
  }
});

test('a site without trash deletes for good', async () => {
  const bare = await wordpressSite({ trashEnabled: false });
  const noTrash = await openHarness(bare);
  try {
    const a = await noTrash.run((s, loc) => wp.create(s, loc, fields(13)));
    await noTrash.run((s, loc) => wp.remove(s, loc, a.remoteId));
    assert.equal(await noTrash.run((s, loc) => wp.read(s, loc, a.remoteId)), null);
  } finally {
    await noTrash.close();
    await bare.close();
  }
});
