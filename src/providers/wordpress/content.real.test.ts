/**
 * The WordPress adapter against a real WordPress 6.1 (Debian's package on PHP and MariaDB,
 * test/helpers/wordpress.ts), so it is held to WordPress itself and not only to its sandbox: the
 * shared contract, then the WordPress-specific cases of content.writes/content.polling that do
 * not need the sandbox's clock. Skips only on a machine without WordPress; CI sets
 * PLEXUS_REQUIRE_WORDPRESS=1.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isPlexusError } from '../../core/errors.ts';
import { contentAdapterContract, fields } from '../../../test/contract/content-adapter.ts';
import { failedBatch, harnessOn, pollAll } from '../../../test/fixtures/cms/harness.ts';
import { must, realWordPressFixture, realWordPressSite, wpCall } from '../../../test/fixtures/cms/wordpress-real.ts';
import { realWordPressSkip } from '../../../test/helpers/wordpress.ts';
import { wordpressContent as wp } from './content.ts';

const skip = realWordPressSkip();

describe('WordPress content adapter against a real WordPress: the shared contract', { skip }, () => {
  contentAdapterContract('Real WordPress', realWordPressFixture);
});

describe('WordPress content adapter against a real WordPress: WordPress specifics', { skip }, () => {
  const h = harnessOn(() => realWordPressSite());
  const admin = (method: string, path: string, body?: unknown) =>
    wpCall(h.site.wp, h.site.wp.authorization, method, path, body);

  test('term names: the escaped ampersand round-trips and another spelling reuses the term', async () => {
    const a = await h.run((s, loc) =>
      wp.create(s, loc, fields(1, { categories: ['News & Events'], tags: ['Q1 launch'] })),
    );
    assert.deepEqual([a.fields.categories, a.fields.tags], [['News & Events'], ['Q1 launch']]);
    const b = await h.run((s, loc) =>
      wp.create(s, loc, fields(2, { categories: ['news & events'], tags: ['q1 LAUNCH'] })),
    );
    assert.deepEqual([b.fields.categories, b.fields.tags], [['News & Events'], ['Q1 launch']]);
    const cats = must(await admin('GET', '/wp/v2/categories?search=events&per_page=100'), 'categories') as {
      name: string;
    }[];
    assert.deepEqual(
      cats.map((c) => c.name),
      ['News &amp; Events'],
      'one term, stored escaped',
    );
  });

  test('two writes in one second still move the version', async () => {
    const a = await h.run((s, loc) => wp.create(s, loc, fields(3)));
    const b = await h.run((s, loc) => wp.update(s, loc, a.remoteId, { title: 'Quick second write' }, a.version));
    assert.notEqual(b.version, a.version);
    await h.run((s, loc) => wp.update(s, loc, a.remoteId, { title: 'And a third' }, b.version));
  });

  test('an image remembered but deleted on the site is uploaded again (6.1 ignores a dead featured_media)', async () => {
    const sha = h.images[0]!.ref.sha256;
    const a = await h.run((s, loc) => wp.create(s, loc, fields(4, { featuredMedia: sha })));
    assert.equal(a.fields.featuredMedia, sha);
    const id = (a.raw as { featured_media: number }).featured_media;
    const media = must(await admin('GET', `/wp/v2/media/${id}`), 'media') as { alt_text: string; mime_type: string };
    assert.deepEqual([media.alt_text, media.mime_type], [h.images[0]!.ref.alt, 'image/png']);
    must(await admin('DELETE', `/wp/v2/media/${id}?force=true`), 'delete media');
    const uploads = h.uploads();
    const b = await h.run((s, loc) => wp.create(s, loc, fields(5, { featuredMedia: sha })));
    assert.equal(b.fields.featuredMedia, sha);
    assert.equal(h.uploads(), uploads + 1);
  });

  test('a batch that fails halfway names what it created', async () => {
    const items = [fields(6), fields(7, { title: '', bodyHtml: '', excerpt: '' }), fields(8)];
    const err = await failedBatch(h, items);
    assert.ok(isPlexusError(err) && err.retry === 'permanent', String(err));
    const d = err.details as { created: { index: number }[]; failed: { index: number }[] };
    assert.deepEqual([d.created.map((c) => c.index), d.failed.map((f) => f.index)], [[0, 2], [1]]);
    assert.equal(await h.site.site.countBySlug('post', items[2]!.slug), 1);
  });

  test('pages take no categories, tags or excerpt; a page is not a post', async () => {
    const f = fields(9, { categories: ['Ignored'], tags: ['ignored'] });
    const page = await h.run((s, loc) => wp.create(s, loc, f), 'page');
    assert.deepEqual([page.fields.categories, page.fields.tags, page.fields.excerpt], [[], [], '']);
    assert.equal((await h.run((s, loc) => wp.findBySlug(s, loc, f.slug), 'page'))?.remoteId, page.remoteId);
    assert.equal(await h.run((s, loc) => wp.read(s, loc, page.remoteId)), null);
  });

  test('130 posts made in batches are each listed once by a poll across pages, an edit mid-poll included', async () => {
    const since = new Date(Date.now() - 2000).toISOString();
    const made = await h.run((s, loc) =>
      wp.createMany!(
        s,
        loc,
        Array.from({ length: 130 }, (_, i) => fields(100 + i, { categories: [], tags: [] })),
      ),
    );
    const { items, pages } = await pollAll(h, since, async (page) => {
      if (page === 1) await h.site.site.edit('post', made[0]!.remoteId, { title: 'Edited mid-poll' });
    });
    const ids = items.map((i) => i.remoteId);
    assert.ok(pages >= 2, 'more than one page');
    for (const m of made) assert.ok(ids.includes(m.remoteId), `post ${m.remoteId} listed`);
    assert.ok(ids.length - new Set(ids).size <= 1, 'only the edited post may come twice');
  });
});
