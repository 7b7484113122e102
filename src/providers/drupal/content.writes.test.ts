/**
 * Drupal writes beyond the shared contract: tags by name, a save inside the same second, a save
 * that lands between Plexus's read and its PATCH (core's EntityChanged 422), images uploaded once
 * and again when deleted, a repeated create refused by its slug-derived UUID, pages, aliases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPlexusError } from '../../core/errors.ts';
import { fields } from '../../../test/contract/content-adapter.ts';
import { drupalSite } from '../../../test/fixtures/cms/drupal.ts';
import { harnessOn } from '../../../test/fixtures/cms/harness.ts';
import { waitFor } from '../../../test/helpers/wait.ts';
import { drupalContent as drupal } from './content.ts';

const clock = { t: Date.parse('2026-03-02T09:00:00Z') };
const h = harnessOn(() => drupalSite({ now: () => clock.t }));

const isCode = (code: string) => (e: unknown) => isPlexusError(e) && e.code === code;

test('tags by name: seeded terms reused whatever the case, missing ones created once, pages take none', async () => {
  const terms = () => h.site.sandbox.terms().length;
  const before = terms();
  const a = await h.run((s, loc) =>
    drupal.create(s, loc, fields(1, { categories: ['Ignored'], tags: ['drupal', 'Launch week'] })),
  );
  assert.deepEqual(a.fields.tags, ['Drupal', 'Launch week'], 'names as the site spells them, in order');
  assert.deepEqual(a.fields.categories, [], 'core articles have no categories');
  const b = await h.run((s, loc) => drupal.create(s, loc, fields(2, { tags: ['launch WEEK'] })));
  assert.deepEqual(b.fields.tags, ['Launch week']);
  assert.equal(terms(), before + 1);
  const moved = await h.run((s, loc) => drupal.update(s, loc, b.remoteId, { tags: [] }, b.version));
  assert.deepEqual(moved.fields.tags, []);
  const page = await h.run(
    (s, loc) => drupal.create(s, loc, fields(3, { tags: ['page tag'], featuredMedia: h.images[0]!.ref.sha256 })),
    'page',
  );
  assert.deepEqual([page.fields.tags, page.fields.featuredMedia], [[], null]);
  assert.equal(terms(), before + 1);
});

test('a save inside the same second is caught by the revision id', async () => {
  const a = await h.run((s, loc) => drupal.create(s, loc, fields(4)));
  await h.site.site.edit('post', a.remoteId, { title: 'Editor, same second' });
  await assert.rejects(
    h.run((s, loc) => drupal.update(s, loc, a.remoteId, { title: 'Would overwrite' }, a.version)),
    isCode('content.remote_changed'),
  );
  assert.equal((await h.site.site.get('post', a.remoteId))?.title, 'Editor, same second');
});

test("a save between Plexus's read and its PATCH is refused by EntityChanged and reported as a remote change", async () => {
  const a = await h.run((s, loc) => drupal.create(s, loc, fields(5)));
  // Hold Plexus's PATCH at the door; the editor saves (a later second) while it waits.
  const fault = h.site.sandbox.faults.latency(3000, { method: 'PATCH', times: 1 });
  const pending = h.run((s, loc) => drupal.update(s, loc, a.remoteId, { title: 'Plexus' }, a.version));
  await waitFor(async () => !h.site.sandbox.faults.list().some((f) => f.id === fault), 'the PATCH to arrive');
  clock.t += 5000;
  h.site.sandbox.remote.edit(a.remoteId, { title: 'Editor, meanwhile' });
  await assert.rejects(pending, isCode('content.remote_changed'));
  assert.equal((await h.site.site.get('post', a.remoteId))?.title, 'Editor, meanwhile');
  assert.equal(
    h.site.sandbox.requests.entries({ method: 'PATCH', status: 422 }).length,
    1,
    'Drupal refused the stale write',
  );
});

test('images: uploaded once, referenced with alt text, uploaded again after the file was deleted; remote images and removal', async () => {
  const sha = h.images[0]!.ref.sha256;
  const uploads = h.uploads();
  const a = await h.run((s, loc) => drupal.create(s, loc, fields(6, { featuredMedia: sha })));
  const b = await h.run((s, loc) => drupal.create(s, loc, fields(7, { featuredMedia: sha })));
  assert.equal(h.uploads(), uploads + 1);
  assert.deepEqual([a.fields.featuredMedia, b.fields.featuredMedia], [sha, sha]);
  const node = h.site.sandbox.nodes().find((n) => n.uuid === a.remoteId)!;
  assert.equal(node.image?.alt, h.images[0]!.ref.alt);
  assert.equal(
    h.site.sandbox.files().find((f) => f.uuid === node.image?.file)?.status,
    true,
    'the file is permanent once referenced',
  );
  const fileId = node.image!.file;
  // Writing `remote:<id>` for a file Plexus uploaded reads back as that file's hash.
  const c = await h.run((s, loc) =>
    drupal.update(s, loc, b.remoteId, { featuredMedia: `remote:${fileId}` }, b.version),
  );
  assert.equal(c.fields.featuredMedia, sha);
  const none = await h.run((s, loc) => drupal.update(s, loc, c.remoteId, { featuredMedia: null }, c.version));
  assert.equal(none.fields.featuredMedia, null);
  // An administrator deletes the file: the node shows no image, and the next write uploads it again.
  h.site.sandbox.deleteFile(fileId);
  assert.equal((await h.run((s, loc) => drupal.read(s, loc, a.remoteId)))?.fields.featuredMedia, null);
  const again = await h.run((s, loc) => drupal.create(s, loc, fields(11, { featuredMedia: sha })));
  assert.equal(again.fields.featuredMedia, sha);
  assert.equal(h.uploads(), uploads + 2);
});

test('a repeated create of the same slug is refused (slug-derived UUID) and the first one is found by its slug', async () => {
  const f = fields(8);
  const first = await h.run((s, loc) => drupal.create(s, loc, f));
  const err = await h
    .run((s, loc) => drupal.create(s, loc, f))
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  assert.ok(isPlexusError(err) && err.retry === 'permanent', String(err));
  assert.equal(await h.site.site.countBySlug('post', f.slug), 1);
  assert.equal((await h.run((s, loc) => drupal.findBySlug(s, loc, f.slug)))?.remoteId, first.remoteId);
});

test('an alias taken by another node is a permanent error with the site message; the author reads back as a user UUID', async () => {
  const a = await h.run((s, loc) => drupal.create(s, loc, fields(9)));
  assert.equal(a.fields.author, h.site.sandbox.userUuid);
  const b = await h.run((s, loc) => drupal.create(s, loc, fields(10)));
  await assert.rejects(
    h.run((s, loc) => drupal.update(s, loc, b.remoteId, { slug: a.fields.slug }, b.version)),
    (e: unknown) => isPlexusError(e) && e.retry === 'permanent' && /is already in use/.test(e.message),
  );
  assert.equal(await h.run((s, loc) => drupal.read(s, loc, 'not-a-uuid')), null);
});
