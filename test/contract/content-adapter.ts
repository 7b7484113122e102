/**
 * The behaviour every CMS adapter must have, run against its sandbox (and the real WordPress):
 * round-tripped fields, taxonomy by name, featured images uploaded once, slug lookup for lost
 * creates, optimistic writes that never overwrite an editor, polling by modified time, deletions.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { withConnection } from '../../src/connections/access.ts';
import { isPlexusError } from '../../src/core/errors.ts';
import { contentAdapterFor } from '../../src/providers/registry.ts';
import type {
  ContentAdapter,
  ContentContext,
  ContentFields,
  TargetLocation,
} from '../../src/providers/contracts/content.ts';
import { createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { testImage, type CmsFixture, type CmsSite } from '../helpers/cms-fixture.ts';

function memoryMedia(
  images: ReturnType<typeof testImage>[],
): Pick<ContentContext, 'media' | 'mediaRemoteId' | 'rememberMedia' | 'mediaByRemoteId'> & { uploads: number } {
  const remote = new Map<string, string>();
  const state = {
    uploads: 0,
    async media(sha: string) {
      return images.find((i) => i.ref.sha256 === sha) ?? null;
    },
    async mediaRemoteId(sha: string) {
      return remote.get(sha) ?? null;
    },
    async rememberMedia(sha: string, id: string) {
      state.uploads++;
      remote.set(sha, id);
    },
    async mediaByRemoteId(id: string) {
      for (const [sha, rid] of remote) if (rid === id) return sha;
      return null;
    },
  };
  return state;
}

export function fields(n: number, over: Partial<ContentFields> = {}): ContentFields {
  return {
    title: `Spring launch ${n}`,
    bodyHtml: `<p>First paragraph of item ${n}.</p>\n<p>Second paragraph of item ${n}.</p>\n<p>Third paragraph of item ${n}.</p>`,
    excerpt: `Summary ${n}`,
    slug: `spring-launch-${n}-${Date.now().toString(36)}`,
    status: 'published',
    categories: ['News'],
    tags: ['launch', 'spring'],
    featuredMedia: null,
    author: null,
    ...over,
  };
}

export function contentAdapterContract(
  name: string,
  fixture: CmsFixture,
  opts: {
    taxonomy?: boolean;
    media?: boolean;
    /** Fields this platform refuses (default: everything empty). */ invalid?: Partial<ContentFields>;
  } = {},
): void {
  let site: CmsSite;
  let ctx: TestContext;
  let orgId: string;
  let conn: string;
  let adapter: ContentAdapter;
  const images = [testImage(1), testImage(2)];
  const media = memoryMedia(images);
  const run = <T>(fn: (s: ContentContext, loc: TargetLocation) => Promise<T>) =>
    withConnection({ ...ctx.providers, db: ctx.db, keyring: ctx.keyring, log: ctx.log }, orgId, conn, async (a) => {
      const s: ContentContext = { connector: a.connector, ctx: a.ctx, creds: a.creds, ...media };
      return fn(s, await adapter.locate(s, site.kind));
    });

  before(async () => {
    site = await fixture();
    ctx = await createTestContext({ env: site.env });
    orgId = (await newOrg(ctx)).id;
    conn = await site.connect(ctx, orgId);
    const a = contentAdapterFor(site.provider);
    assert.ok(a, `${site.provider} has a content adapter`);
    adapter = a;
  });
  after(async () => {
    await ctx?.close();
    await site?.close();
  });

  test(`${name}: create round-trips every field${opts.taxonomy === false ? '' : ', taxonomy by name'}${opts.media === false ? '' : ' and the featured image'}`, async () => {
    const f = fields(1, opts.media === false ? {} : { featuredMedia: images[0]!.ref.sha256 });
    if (opts.taxonomy === false) Object.assign(f, { categories: [], tags: [] });
    const created = await run((s, loc) => adapter.create(s, loc, f));
    assert.ok(created.remoteId);
    const back = await run((s, loc) => adapter.read(s, loc, created.remoteId));
    assert.ok(back);
    assert.equal(back.fields.title, f.title);
    assert.equal(back.fields.bodyHtml.trim(), f.bodyHtml.trim());
    assert.equal(back.fields.slug, f.slug);
    assert.equal(back.fields.status, 'published');
    if (opts.taxonomy !== false) {
      assert.deepEqual([...back.fields.categories].sort(), ['News']);
      assert.deepEqual([...back.fields.tags].sort(), ['launch', 'spring']);
    }
    if (opts.media !== false) {
      assert.equal(back.fields.featuredMedia, images[0]!.ref.sha256, 'the image the site shows is the one Plexus sent');
      // A second item with the same image reuses the upload.
      const uploads = media.uploads;
      await run((s, loc) => adapter.create(s, loc, fields(2, { featuredMedia: images[0]!.ref.sha256 })));
      assert.equal(media.uploads, uploads, 'one upload per image per site');
    }
    assert.equal(await site.site.countBySlug(site.kind, f.slug), 1);
    const found = await run((s, loc) => adapter.findBySlug(s, loc, f.slug));
    assert.equal(found?.remoteId, created.remoteId, 'a lost create is found again by its slug');
    assert.equal(await run((s, loc) => adapter.findBySlug(s, loc, `${f.slug}-nothing-here`)), null);
  });

  test(`${name}: an update with the version last read lands; a stale version never overwrites an editor`, async () => {
    const created = await run((s, loc) => adapter.create(s, loc, fields(3)));
    const updated = await run((s, loc) =>
      adapter.update(
        s,
        loc,
        created.remoteId,
        { title: 'Renamed by Plexus', bodyHtml: '<p>New body.</p>' },
        created.version,
      ),
    );
    assert.equal(updated.fields.title, 'Renamed by Plexus');
    assert.notEqual(updated.version, created.version, 'the version moves on every write');
    // An editor changes it on the site; a write carrying the older version must be refused.
    await site.nextSecond();
    await site.site.edit(site.kind, created.remoteId, { title: 'Edited on the site' });
    await assert.rejects(
      run((s, loc) => adapter.update(s, loc, created.remoteId, { title: 'Would overwrite' }, updated.version)),
      (e: unknown) => isPlexusError(e) && e.code === 'content.remote_changed',
    );
    assert.equal((await site.site.get(site.kind, created.remoteId))?.title, 'Edited on the site');
  });

  test(`${name}: polling by modified time finds edits made on the site, across pages`, async () => {
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await run((s, loc) => adapter.create(s, loc, fields(10 + i))));
    // Everything so far, then a watermark; an edit after it shows up, untouched items do not.
    let watermark: string | null = null;
    let cursor: string | null = null;
    const seen = new Set<string>();
    do {
      const page = await run((s, loc) => adapter.changedSince(s, loc, null, cursor));
      for (const it of page.items) seen.add(it.remoteId);
      cursor = page.next;
      watermark = page.watermark ?? watermark;
    } while (cursor);
    for (const m of made) assert.ok(seen.has(m.remoteId), 'a full poll lists every item');
    assert.ok(watermark);
    await site.nextSecond();
    await site.site.edit(site.kind, made[1]!.remoteId, { bodyHtml: '<p>Changed on the site.</p>' });
    const changed = new Map<string, string>();
    cursor = null;
    do {
      const page = await run((s, loc) => adapter.changedSince(s, loc, watermark, cursor));
      for (const it of page.items) changed.set(it.remoteId, it.fields.bodyHtml);
      cursor = page.next;
    } while (cursor);
    assert.ok(changed.has(made[1]!.remoteId), 'the edited item is listed');
    assert.equal(changed.get(made[1]!.remoteId)?.trim(), '<p>Changed on the site.</p>');
    assert.ok(!changed.has(made[0]!.remoteId), 'an untouched item is not');
  });

  test(`${name}: items removed through Plexus or on the site read as gone`, async () => {
    const a = await run((s, loc) => adapter.create(s, loc, fields(20)));
    const b = await run((s, loc) => adapter.create(s, loc, fields(21)));
    await run((s, loc) => adapter.remove(s, loc, a.remoteId));
    const ra = await run((s, loc) => adapter.read(s, loc, a.remoteId));
    assert.ok(ra === null || ra.trashed, 'removed through Plexus');
    await site.site.remove(site.kind, b.remoteId);
    const rb = await run((s, loc) => adapter.read(s, loc, b.remoteId));
    assert.ok(rb === null || rb.trashed, 'removed on the site');
  });

  test(`${name}: bulk create (where the platform has it) creates each item once, in order`, async () => {
    const batch = [fields(30), fields(31), fields(32)];
    const out = await run((s, loc) =>
      adapter.createMany ? adapter.createMany(s, loc, batch) : Promise.all(batch.map((f) => adapter.create(s, loc, f))),
    );
    assert.deepEqual(
      out.map((o) => o.fields.slug),
      batch.map((f) => f.slug),
    );
    for (const f of batch) assert.equal(await site.site.countBySlug(site.kind, f.slug), 1);
  });

  test(`${name}: a platform validation error is a permanent provider error with the platform's message`, async () => {
    await assert.rejects(
      run((s, loc) =>
        adapter.create(s, loc, fields(40, opts.invalid ?? { title: '', bodyHtml: '', excerpt: '', slug: '' })),
      ),
      (e: unknown) => isPlexusError(e) && e.retry === 'permanent' && e.message.length > 0,
    );
  });
}
