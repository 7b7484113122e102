/**
 * The WordPress connector against a real WordPress (Debian's package, PHP, MariaDB; see
 * test/helpers/wordpress.ts): a person connects the site through Plexus's connect page with
 * an application password, a wrong one is refused, and content written through the stored
 * connection (a post with a category, a tag and a featured image) reads back from the site.
 * Skips only on a machine without WordPress; CI sets PLEXUS_REQUIRE_WORDPRESS=1.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync, crc32 } from 'node:zlib';
import { withConnection } from '../../src/connections/access.ts';
import { isPlexusError } from '../../src/core/errors.ts';
import { apiCall, apiUrl } from '../../src/providers/kit/api-call.ts';
import type { HttpRequest } from '../../src/providers/kit/http.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { jsonOf, open, submit } from '../helpers/browser.ts';
import { realWordPressSkip, startRealWordPress, type RealWordPress } from '../helpers/wordpress.ts';

const skip = realWordPressSkip();

let wp: RealWordPress;
let ctx: TestContext;
let base: string;
let org: { id: string; key: string };
let connectionId: string;

before(async () => {
  if (skip) return;
  wp = (await startRealWordPress())!;
  ctx = await createTestContext();
  base = await ctx.listen();
  org = await newOrg(ctx, 'wordpress-real');
});
after(async () => {
  await ctx?.close();
  await wp?.close();
});

/** A real PNG (a colour gradient), big enough for WordPress to cut a thumbnail from it. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++)
      rows.set([(x * 255) / width, (y * 255) / height, 128], y * (width * 3 + 1) + 1 + x * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** One call through the stored connection: Plexus's credentials, URL building and error mapping. */

async function viaPlexus(
  method: HttpRequest['method'],
  route: string,
  json?: unknown,
): Promise<{ status: number; headers: Record<string, string>; body: any }> {
  const deps = { ...ctx.providers, db: ctx.db, keyring: ctx.keyring, log: ctx.log };
  return withConnection(deps, org.id, connectionId, (a) =>
    apiCall(a.connector, a.ctx, a.creds, {
      method,
      url: apiUrl(a.ctx, route),
      ...(json === undefined ? {} : { json }),
    }),
  );
}

test(
  'a person connects the real site on the connect page; a wrong application password is refused',
  { skip },
  async () => {
    // What the real 6.1 answers for a wrong application password: the attempt is dropped and
    // the request runs as anonymous, so a public route still says 200 and only a route that
    // needs a login (the connector's check) can tell.
    const wrongAuth = `Basic ${Buffer.from(`${wp.username}:abcd efgh ijkl mnop qrst uvwx`).toString('base64')}`;
    const publicRoute = await wp.rest('/wp/v2/posts', { headers: { authorization: wrongAuth } });
    assert.equal(publicRoute.status, 200);
    const me = await wp.rest('/wp/v2/users/me?context=edit', { headers: { authorization: wrongAuth } });
    assert.equal(me.status, 401);
    assert.equal((await jsonOf(me)).code, 'rest_not_logged_in');

    const created = await fetch(`${base}/v1/connect-sessions`, {
      method: 'POST',
      headers: { ...auth(org.key), 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'wordpress' }),
    });
    assert.equal(created.status, 201);
    const page = await open((await jsonOf(created)).url);
    assert.equal(page.status, 200, page.html);

    const refused = await submit(page, {
      siteUrl: wp.baseUrl,
      username: wp.username,
      applicationPassword: 'abcd efgh ijkl mnop qrst uvwx',
    });
    assert.equal(refused.status, 422, refused.html.slice(0, 500));
    assert.match(refused.html, /refused the credentials/);
    assert.equal(
      (await ctx.db.owner.query('select count(*)::int as n from connections where org_id = $1', [org.id])).rows[0].n,
      0,
    );

    const done = await submit(page, {
      siteUrl: wp.baseUrl,
      username: wp.username,
      applicationPassword: wp.appPassword,
    });
    assert.equal(done.status, 200, `${done.html.slice(0, 800)}\n${wp.serverLog()}`);
    assert.match(done.html, /connected/);
    const list = await jsonOf(fetch(`${base}/v1/connections`, { headers: auth(org.key) }));
    assert.equal(list.data.length, 1);
    const conn = list.data[0];
    assert.equal(conn.status, 'active');
    assert.equal(conn.external_account_id, wp.baseUrl);
    connectionId = conn.id;

    const deps = { ...ctx.providers, db: ctx.db, keyring: ctx.keyring, log: ctx.log };
    const who = await withConnection(deps, org.id, conn.id, (a) => a.connector.identify(a.ctx, a.creds));
    assert.equal(who.externalAccountId, wp.baseUrl);
    assert.match(who.displayName, new RegExp(wp.username));
  },
);

test(
  'a post with a category, a tag and a featured image is written through the connection and reads back',
  { skip },
  async () => {
    assert.ok(connectionId, 'needs the connection made by the test above');
    const category = await viaPlexus('POST', '/categories', { name: 'Launches' });
    assert.equal(category.status, 201);
    const tag = await viaPlexus('POST', '/tags', { name: 'spring-campaign' });
    assert.equal(tag.status, 201);

    // Media takes a raw body, which Plexus's JSON/form client does not send: straight to the site.
    const image = png(320, 200);
    const upload = await wp.rest('/wp/v2/media', {
      method: 'POST',
      headers: { 'content-type': 'image/png', 'content-disposition': 'attachment; filename="hero.png"' },
      body: image,
    });
    const media = await jsonOf(upload);
    assert.equal(upload.status, 201, `${JSON.stringify(media)}\n${wp.serverLog()}`);
    assert.equal(media.mime_type, 'image/png');
    assert.equal(media.media_details.width, 320);
    assert.ok(media.media_details.sizes.thumbnail, 'WordPress cut a thumbnail (GD works)');
    const served = await fetch(media.source_url);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await served.arrayBuffer()), image);

    const post = await viaPlexus('POST', '/posts', {
      title: 'Spring launch',
      content: '<p>Now shipping.</p>',
      status: 'publish',
      categories: [category.body.id],
      tags: [tag.body.id],
      featured_media: media.id,
    });
    assert.equal(post.status, 201);
    assert.match(post.headers.location ?? '', new RegExp(`/wp/v2/posts/${post.body.id}$`));

    const read = await viaPlexus('GET', `/posts/${post.body.id}?context=edit`);
    assert.equal(read.body.title.raw, 'Spring launch');
    assert.equal(read.body.content.raw, '<p>Now shipping.</p>');
    assert.equal(read.body.status, 'publish');
    assert.deepEqual(read.body.categories, [category.body.id]);
    assert.deepEqual(read.body.tags, [tag.body.id]);
    assert.equal(read.body.featured_media, media.id);
    assert.match(read.body.modified_gmt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    assert.equal(read.body.modified_gmt, post.body.modified_gmt);

    // The sync's change filter: the post is among those modified since just before it was written.
    const since = new Date(Date.parse(`${post.body.modified_gmt}Z`) - 1000).toISOString().slice(0, 19);
    const changed = await viaPlexus('GET', `/posts?modified_after=${since}&status=any&per_page=100`);
    assert.ok(changed.body.some((p: { id: number }) => p.id === post.body.id));
    assert.equal(changed.headers['x-wp-total'], String(changed.body.length));

    const edited = await viaPlexus('POST', `/posts/${post.body.id}`, { title: 'Spring launch, updated' });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.title.raw, 'Spring launch, updated');
    assert.ok(edited.body.modified_gmt >= read.body.modified_gmt);

    // Failure paths keep WordPress's own codes and map to Plexus errors.
    await assert.rejects(
      viaPlexus('GET', '/posts/987654'),
      (err) => isPlexusError(err) && err.code === 'provider.not_found',
    );
    await assert.rejects(
      viaPlexus('POST', '/posts', { title: 'Bad', categories: ['not-a-number'] }),
      (err) => isPlexusError(err) && err.code === 'provider.invalid_request' && /categories/.test(err.message),
    );
  },
);
