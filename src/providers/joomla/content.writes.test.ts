/**
 * Joomla beyond the shared contract: one category and tags by name, the check-out lock, trash
 * then delete, images referenced by path, and polling that also reads trashed and archived
 * articles and loses nothing when an article is saved while the pages are read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPlexusError } from '../../core/errors.ts';
import { fields } from '../../../test/contract/content-adapter.ts';
import { harnessOn, pollAll, pollWithSaveMidway } from '../../../test/fixtures/cms/harness.ts';
import { joomlaSite } from '../../../test/fixtures/cms/joomla.ts';
import type { RemoteContent } from '../contracts/content.ts';
import { joomlaContent as joomla } from './content.ts';

const clock = { t: Date.parse('2026-03-02T09:00:00Z') };
const h = harnessOn(() => joomlaSite({ now: () => clock.t }));

test('one category (the first name) and tags by name: found whatever the case, created once; none means Uncategorised', async () => {
  const cats = () => h.site.sandbox.categories().length;
  const tags = () => h.site.sandbox.tags().length;
  const [c0, t0] = [cats(), tags()];
  const a = await h.run((s, loc) =>
    joomla.create(s, loc, fields(1, { categories: ['blog', 'Ignored second'], tags: ['joomla', 'Launch week'] })),
  );
  assert.deepEqual(a.fields.categories, ['Blog'], 'the seeded category, as the site spells it');
  assert.deepEqual([...a.fields.tags].sort(), ['Joomla', 'Launch week']);
  const b = await h.run((s, loc) =>
    joomla.create(s, loc, fields(2, { categories: ['Press releases'], tags: ['launch WEEK'] })),
  );
  assert.deepEqual([b.fields.categories, b.fields.tags], [['Press releases'], ['Launch week']]);
  assert.deepEqual([cats() - c0, tags() - t0], [1, 1]);
  const c = await h.run((s, loc) => joomla.create(s, loc, fields(3, { categories: [], tags: [] })));
  assert.deepEqual(c.fields.categories, ['Uncategorised']);
  // An update that leaves tags alone keeps them.
  const renamed = await h.run((s, loc) => joomla.update(s, loc, a.remoteId, { title: 'Renamed' }, a.version));
  assert.deepEqual([...renamed.fields.tags].sort(), ['Joomla', 'Launch week']);
  assert.deepEqual(renamed.fields.categories, ['Blog']);
});

test('an article open in the editor (checked out) makes the write wait, retryably; once checked in it lands', async () => {
  const a = await h.run((s, loc) => joomla.create(s, loc, fields(4)));
  h.site.sandbox.remote.checkout(a.remoteId);
  await assert.rejects(
    h.run((s, loc) => joomla.update(s, loc, a.remoteId, { title: 'Plexus' }, a.version)),
    (e: unknown) =>
      isPlexusError(e) && e.code === 'provider.unavailable' && e.retry === 'retryable' && (e.retryAfterMs ?? 0) > 0,
  );
  h.site.sandbox.remote.checkin(a.remoteId);
  const done = await h.run((s, loc) => joomla.update(s, loc, a.remoteId, { title: 'Plexus' }, a.version));
  assert.equal(done.fields.title, 'Plexus');
});

test('remove trashes then deletes; an article the editor already trashed is deleted too', async () => {
  const a = await h.run((s, loc) => joomla.create(s, loc, fields(5)));
  await h.run((s, loc) => joomla.remove(s, loc, a.remoteId));
  assert.equal(await h.run((s, loc) => joomla.read(s, loc, a.remoteId)), null);
  const b = await h.run((s, loc) => joomla.create(s, loc, fields(6)));
  await h.site.site.remove('post', b.remoteId);
  assert.equal((await h.run((s, loc) => joomla.read(s, loc, b.remoteId)))?.trashed, true);
  await h.run((s, loc) => joomla.remove(s, loc, b.remoteId));
  assert.equal(await h.run((s, loc) => joomla.read(s, loc, b.remoteId)), null);
  await h.run((s, loc) => joomla.remove(s, loc, b.remoteId));
});

test('images are referenced by path: remote:<path>, a hash Plexus knows for this site, or left alone', async () => {
  const a = await h.run((s, loc) => joomla.create(s, loc, fields(7, { featuredMedia: 'remote:images/hero.png' })));
  assert.equal(a.fields.featuredMedia, 'remote:images/hero.png');
  const sha = h.images[0]!.ref.sha256;
  const unknown = await h.run((s, loc) => joomla.update(s, loc, a.remoteId, { featuredMedia: sha }, a.version));
  assert.equal(unknown.fields.featuredMedia, 'remote:images/hero.png', 'no upload: the image stays');
  // As if Plexus had placed this image on the site before (Joomla itself takes no uploads here).
  await h.run((s) => s.rememberMedia(sha, 'images/plexus/launch.png', null));
  const known = await h.run((s, loc) => joomla.update(s, loc, a.remoteId, { featuredMedia: sha }, unknown.version));
  assert.equal(known.fields.featuredMedia, sha);
  const none = await h.run((s, loc) => joomla.update(s, loc, a.remoteId, { featuredMedia: null }, known.version));
  assert.equal(none.fields.featuredMedia, null);
});

test('polling reads trashed and archived articles in passes of their own; a save during the pages is not lost', async () => {
  clock.t += 5000;
  const since = new Date(clock.t).toISOString();
  const made: RemoteContent[] = [];
  for (let i = 0; i < 130; i++) {
    if (i % 10 === 0) clock.t += 1000;
    made.push(await h.run((s, loc) => joomla.create(s, loc, fields(100 + i, { tags: [] }))));
  }
  clock.t += 1000;
  await h.site.site.remove('post', made[0]!.remoteId);
  h.site.sandbox.remote.edit(made[1]!.remoteId, { state: 2 });
  const target = made[60]!;
  const { items, watermark } = await pollWithSaveMidway(h, since, clock, target.remoteId, '<p>Saved mid-poll.</p>');
  const ids = items.map((i) => i.remoteId);
  for (const m of made) assert.ok(ids.includes(m.remoteId), `article ${m.remoteId} is listed`);
  assert.equal(items.find((i) => i.remoteId === made[0]!.remoteId)?.trashed, true);
  assert.equal(items.find((i) => i.remoteId === made[1]!.remoteId)?.fields.status, 'draft', 'archived is not live');
  const after = await pollAll(h, watermark);
  assert.equal(
    after.items.find((i) => i.remoteId === target.remoteId)?.fields.bodyHtml ??
      items.filter((i) => i.remoteId === target.remoteId).at(-1)?.fields.bodyHtml,
    '<p>Saved mid-poll.</p>',
  );
  assert.deepEqual((await pollAll(h, after.watermark)).items, []);
});
