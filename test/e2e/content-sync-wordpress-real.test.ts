/**
 * The two-way content sync against a real WordPress (Debian's package on PHP and MariaDB, see
 * test/helpers/wordpress.ts), through Plexus's HTTP API with a worker running: first the same
 * scenario every CMS passes, then 50 posts published with categories, tags and a featured
 * image, edited by an editor in WordPress and by the host app in Plexus (two of them on both
 * sides in the title, one on both sides in different paragraphs), synced, and the two conflicts
 * resolved; and the forced races of test/contract/content-race-scenario.ts. Skips only on a machine without WordPress; CI sets PLEXUS_REQUIRE_WORDPRESS=1.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { contentRaceScenario } from '../contract/content-race-scenario.ts';
import { contentSyncScenario } from '../contract/content-sync-scenario.ts';
import { must, realWordPressFixture, realWordPressSite, wpCall } from '../fixtures/cms/wordpress-real.ts';
import { testImage } from '../helpers/cms-fixture.ts';
import { contentHub } from '../helpers/content-hub.ts';
import { waitFor } from '../helpers/wait.ts';
import { realWordPressSkip } from '../helpers/wordpress.ts';

const skip = realWordPressSkip();

describe('the content sync scenario against a real WordPress', { skip }, () => {
  contentSyncScenario('Real WordPress', realWordPressFixture);
});

// The different-paragraph race forced, and a publish onto a slug WordPress already has.
describe('forced races and the dry run against a real WordPress', { skip }, () => {
  contentRaceScenario('Real WordPress', realWordPressFixture);
});

const COUNT = 50;

interface Item {
  n: number;
  id: string;
  slug: string;
  title: string;
  categories: string[];
  tags: string[];
  image: string;
  remoteId: string;
}

interface WpPost {
  id: number;
  slug: string;
  modified_gmt: string;
  title: { raw: string };
  content: { raw: string };
  categories: number[];
  tags: number[];
  featured_media: number;
}

const body = (
  n: number,
  opening = `Opening of post ${n}.`,
  middle = `Middle of post ${n}.`,
  ending = `Ending of post ${n}.`,
) => `<p>${opening}</p>\n<p>${middle}</p>\n<p>${ending}</p>`;

describe(
  '50 posts in a real WordPress: published once, edited on both sides, merged, two conflicts resolved',
  { skip },
  () => {
    const hub = contentHub(realWordPressSite);
    const { api, sync, idle, nextSecond } = hub;
    const stamp = Date.now().toString(36);
    const images = [201, 202, 203, 204, 205].map((seed) => testImage(seed));
    const items: Item[] = [];
    /** Each post's modified_gmt, and each item's hub version, right after the publish. */
    const published = new Map<string, { modified: string; version: number }>();

    const admin = (path: string) =>
      wpCall(hub.site.wp, hub.site.wp.authorization, 'GET', path).then((r) => must(r, path));
    const post = async (it: Item): Promise<WpPost> => admin(`/wp/v2/posts/${it.remoteId}?context=edit`);
    const hubItem = async (it: Item) => (await api('GET', `/v1/content/${it.id}`)).body;
    const stateOf = async (it: Item) =>
      (await hubItem(it)).targets.find((t: { connection_id: string }) => t.connection_id === hub.conn)?.state as string;
    /** Term names by id for a taxonomy (one site, a handful of terms: one page). */
    const termNames = async (base: 'categories' | 'tags') =>
      new Map<number, string>(
        (await admin(`/wp/v2/${base}?per_page=100`)).map((t: { id: number; name: string }) => [t.id, t.name]),
      );
    const names = (ids: number[], byId: Map<number, string>) => ids.map((id) => byId.get(id) ?? `#${id}`).sort();
    test('50 items with categories, tags and a featured image are published once each, with their taxonomy and image', async () => {
      for (let n = 1; n <= COUNT; n++) {
        const img = images[n % images.length]!;
        const categories = n % 3 === 0 ? ['Guides', 'News'] : [n % 2 ? 'News' : 'Guides'];
        const tags = ['launch', `wave-${n % 4}`];
        const r = await api('POST', '/v1/content', {
          external_id: `real-${stamp}-${n}`,
          kind: 'post',
          title: `Post ${n}`,
          slug: `post-${n}-${stamp}`,
          body_html: body(n),
          excerpt: `About post ${n}`,
          status: 'published',
          categories,
          tags,
          featured_media: {
            data_base64: img.bytes.toString('base64'),
            filename: `cover-${n % images.length}.png`,
            content_type: 'image/png',
            alt: `Cover ${n % images.length}`,
          },
        });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.equal(r.body.featured_media, img.ref.sha256);
        items.push({
          n,
          id: r.body.id,
          slug: r.body.slug,
          title: `Post ${n}`,
          categories,
          tags,
          image: img.ref.sha256,
          remoteId: '',
        });
      }
      const started = await api('POST', '/v1/publish', {
        item_ids: items.map((i) => i.id),
        connection_ids: [hub.conn],
      });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      const batch = await waitFor(
        async () => {
          const b = (await api('GET', `/v1/publish/${started.body.id}`)).body;
          return ['completed', 'completed_with_errors'].includes(b.status) ? b : null;
        },
        'the batch of 50',
        180_000,
        200,
      );
      assert.equal(
        batch.status,
        'completed',
        JSON.stringify(batch.items.filter((i: { status: string }) => i.status !== 'done')),
      );
      assert.equal(batch.done, COUNT);
      assert.ok(
        batch.items.every((i: { action: string }) => i.action === 'create'),
        JSON.stringify(batch.items.map((i: { action: string }) => i.action)),
      );
      const remoteOf = new Map<string, string>(
        batch.items.map((i: { item_id: string; remote_id: string }) => [i.item_id, i.remote_id]),
      );
      for (const it of items) it.remoteId = remoteOf.get(it.id)!;

      // What WordPress holds, read as the administrator: every post once, nothing doubled.
      const posts = (await admin('/wp/v2/posts?per_page=100&status=any&context=edit')) as WpPost[];
      const ours = posts.filter((p) => p.slug.endsWith(`-${stamp}`) || p.slug.includes(`-${stamp}-`));
      const extra = ours.filter((p) => !items.some((it) => it.slug === p.slug)).map((p) => p.slug);
      assert.equal(ours.length, COUNT, `exactly 50 posts on the site; also: ${extra.join(', ')}`);
      assert.equal(new Set(ours.map((p) => p.id)).size, COUNT);
      const [categoryNames, tagNames] = [await termNames('categories'), await termNames('tags')];
      // Each image once in the media library, whatever number of posts show it.
      const media = (await admin('/wp/v2/media?per_page=100')) as {
        id: number;
        source_url: string;
        mime_type: string;
      }[];
      assert.equal(media.length, images.length, 'each image uploaded once');
      const shaOf = new Map<number, string>();
      for (const m of media) {
        const served = await fetch(m.source_url);
        assert.equal(served.status, 200, m.source_url);
        assert.equal(m.mime_type, 'image/png');
        shaOf.set(
          m.id,
          createHash('sha256')
            .update(Buffer.from(await served.arrayBuffer()))
            .digest('hex'),
        );
      }
      for (const it of items) {
        const p = ours.find((x) => String(x.id) === it.remoteId);
        assert.ok(p, `post ${it.n} (#${it.remoteId}) is on the site`);
        assert.equal(p.slug, it.slug);
        assert.equal(p.title.raw, it.title);
        assert.equal(p.content.raw, body(it.n));
        assert.deepEqual(names(p.categories, categoryNames), [...it.categories].sort(), `categories of post ${it.n}`);
        assert.deepEqual(names(p.tags, tagNames), [...it.tags].sort(), `tags of post ${it.n}`);
        assert.equal(shaOf.get(p.featured_media), it.image, `featured image of post ${it.n}`);
        published.set(it.remoteId, { modified: p.modified_gmt, version: (await hubItem(it)).version });
      }
      for (const it of items.slice(0, 3)) assert.equal(await hub.site.site.countBySlug('post', it.slug), 1);
    });

    test('5 edits in WordPress and 5 in Plexus sync both ways: one-sided edits cross over, different paragraphs merge, the same title twice is 2 conflicts', async () => {
      assert.equal(items.length, COUNT, 'needs the posts published by the test above');
      const [siteTitle, siteBody, , hubTitle, hubTags, , bothA, bothB, bothParagraphs] = items as [
        Item,
        Item,
        Item,
        Item,
        Item,
        Item,
        Item,
        Item,
        Item,
      ];
      await nextSecond();
      // In WordPress, as the editor: 5 posts, 3 of which Plexus also changes before any sync.
      await hub.site.site.edit('post', siteTitle.remoteId, { title: 'Post 1, retitled in WordPress' });
      await hub.site.site.edit('post', siteBody.remoteId, {
        bodyHtml: body(2, undefined, 'Middle rewritten by an editor.'),
      });
      await hub.site.site.edit('post', bothA.remoteId, { title: 'Post 7, title from WordPress' });
      await hub.site.site.edit('post', bothB.remoteId, { title: 'Post 8, title from WordPress' });
      await hub.site.site.edit('post', bothParagraphs.remoteId, {
        bodyHtml: body(9, undefined, undefined, 'Ending changed in WordPress.'),
      });
      // In Plexus, as the host app: 5 items; each PATCH queues the item's sync at once.
      const patch = async (it: Item, change: Record<string, unknown>) =>
        assert.equal((await api('PATCH', `/v1/content/${it.id}`, change)).status, 200);
      await patch(hubTitle, { title: 'Post 4, retitled in Plexus' });
      await patch(hubTags, { tags: ['launch', 'wave-1', 'spring-sale'] });
      await patch(bothA, { title: 'Post 7, title from Plexus' });
      await patch(bothB, { title: 'Post 8, title from Plexus' });
      await patch(bothParagraphs, { body_html: body(9, 'Opening changed in Plexus.') });
      await idle();

      // The PATCHes' own jobs pushed the Plexus-only edits, merged the paragraphs and raised the
      // conflicts; the sync brings in the WordPress-only edits and leaves the rest as it is.
      const result = await sync();
      assert.deepEqual(result.outcomes, { synced: 2, conflict: 2, unchanged: COUNT - 4 }, JSON.stringify(result));
      await idle();

      // WordPress-only edits are in Plexus.
      assert.equal((await hubItem(siteTitle)).title, 'Post 1, retitled in WordPress');
      assert.equal((await hubItem(siteBody)).body_html, body(2, undefined, 'Middle rewritten by an editor.'));
      // Plexus-only edits are in WordPress.
      assert.equal((await post(hubTitle)).title.raw, 'Post 4, retitled in Plexus');
      assert.deepEqual(names((await post(hubTags)).tags, await termNames('tags')), ['launch', 'spring-sale', 'wave-1']);
      // Different paragraphs of one post: both edits kept, on both sides.
      const merged = body(9, 'Opening changed in Plexus.', undefined, 'Ending changed in WordPress.');
      assert.equal((await hubItem(bothParagraphs)).body_html, merged);
      assert.equal((await post(bothParagraphs)).content.raw, merged);
      for (const it of [siteTitle, siteBody, hubTitle, hubTags, bothParagraphs])
        assert.equal(await stateOf(it), 'synced', `post ${it.n} is in sync`);

      // The same title changed on both sides: exactly two open conflicts, nothing overwritten.
      const open = (await api('GET', '/v1/conflicts?status=open')).body.data as {
        item_id: string;
        fields: unknown[];
      }[];
      assert.equal(open.length, 2, JSON.stringify(open));
      for (const [it, hub, remote] of [
        [bothA, 'Post 7, title from Plexus', 'Post 7, title from WordPress'],
        [bothB, 'Post 8, title from Plexus', 'Post 8, title from WordPress'],
      ] as const) {
        const c = open.find((x) => x.item_id === it.id);
        assert.ok(c, `a conflict for post ${it.n}`);
        assert.deepEqual(c.fields, [{ field: 'title', base: it.title, hub, remote }]);
        assert.equal(await stateOf(it), 'conflict');
        assert.equal((await hubItem(it)).title, hub);
        assert.equal((await post(it)).title.raw, remote);
      }
      assert.equal((await api('GET', '/v1/conflicts')).body.data.length, 2, 'no other conflict, open or settled');
      assert.equal(
        (
          await hub.ctx.db.owner.query(
            "select count(*)::int as n from events where org_id = $1 and type = 'content.conflict'",
            [hub.org.id],
          )
        ).rows[0].n,
        2,
        'one event per conflict',
      );

      // The 41 posts nobody touched were not written on either side.
      const touched = new Set([siteTitle, siteBody, hubTitle, hubTags, bothA, bothB, bothParagraphs].map((i) => i.id));
      const posts = (await admin('/wp/v2/posts?per_page=100&status=any&context=edit')) as WpPost[];
      for (const it of items.filter((i) => !touched.has(i.id))) {
        assert.equal(
          posts.find((p) => String(p.id) === it.remoteId)?.modified_gmt,
          published.get(it.remoteId)?.modified,
          `post ${it.n} untouched in WordPress`,
        );
        const hub = await hubItem(it);
        assert.equal(hub.version, published.get(it.remoteId)?.version, `item ${it.n} untouched in Plexus`);
        assert.equal(hub.title, it.title);
      }
    });

    test('the 2 conflicts resolved, one by choosing WordPress’s title and one with a typed title, land in WordPress and Plexus and stay as history', async () => {
      const [bothA, bothB] = [items[6]!, items[7]!];
      const open = (await api('GET', '/v1/conflicts?status=open')).body.data as { id: string; item_id: string }[];
      assert.equal(open.length, 2, 'needs the conflicts raised by the test above');
      const conflictOf = (it: Item) => open.find((c) => c.item_id === it.id)!.id;

      const byChoice = await api('POST', `/v1/conflicts/${conflictOf(bothA)}/resolve`, {
        choices: { title: 'remote' },
      });
      assert.equal(byChoice.status, 200, JSON.stringify(byChoice.body));
      assert.equal(byChoice.body.status, 'resolved');
      const byValue = await api('POST', `/v1/conflicts/${conflictOf(bothB)}/resolve`, {
        values: { title: 'Post 8, agreed by a person' },
      });
      assert.equal(byValue.status, 200, JSON.stringify(byValue.body));
      await waitFor(
        async () => (await stateOf(bothA)) === 'synced' && (await stateOf(bothB)) === 'synced',
        'both targets back in sync',
        60_000,
        100,
      );
      await idle();

      assert.equal((await post(bothA)).title.raw, 'Post 7, title from WordPress');
      assert.equal((await hubItem(bothA)).title, 'Post 7, title from WordPress');
      assert.equal((await post(bothB)).title.raw, 'Post 8, agreed by a person');
      assert.equal((await hubItem(bothB)).title, 'Post 8, agreed by a person');

      assert.equal((await api('GET', '/v1/conflicts?status=open')).body.data.length, 0);
      const history = (await api('GET', '/v1/conflicts?status=resolved')).body.data as {
        item_id: string;
        resolution: unknown;
        resolved_by: string;
        fields: unknown[];
      }[];
      assert.equal(history.length, 2);
      assert.deepEqual(history.find((h) => h.item_id === bothA.id)?.resolution, {
        title: 'Post 7, title from WordPress',
      });
      assert.deepEqual(history.find((h) => h.item_id === bothB.id)?.resolution, {
        title: 'Post 8, agreed by a person',
      });
      assert.ok(history.every((h) => h.resolved_by === 'api' && h.fields.length === 1));

      // Settled for good: one more sync finds all 50 in step and changes nothing.
      const again = await sync();
      assert.deepEqual(again.outcomes, { unchanged: COUNT }, JSON.stringify(again));
      assert.equal((await api('GET', '/v1/conflicts?status=open')).body.data.length, 0);
    });
  },
);
