import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { basic, callWithCredential, jsonPost, startSandbox, type Res } from '../../../test/helpers/sandbox-http.ts';
import { sandbox, type WordPressRunningSandbox, type WordPressSandboxOptions } from './sandbox.ts';

async function startWp(t: TestContext, opts: WordPressSandboxOptions = {}) {
  return startSandbox(t, sandbox, { seed: 7, size: 60, ...opts });
}

const call = callWithCredential('auth', 'authorization');

function jsonBody(method: string, body: unknown): RequestInit {
  return { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function assertWpError(res: Res, status: number, code: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.code, code);
  assert.equal(typeof res.body.message, 'string');
  assert.equal(res.body.data.status, status);
}

/** DELETEs the REST route `path` as `auth`: a move to the trash, or with `force` a deletion. */
function remove(sb: WordPressRunningSandbox, auth: string, path: string, force = false): Promise<Res> {
  return call(sb.restUrl(path, force ? { force: 'true' } : {}), { method: 'DELETE', auth });
}

function nextLink(res: Res): string | undefined {
  return /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
}

test('application password over Basic: spaced and unspaced forms, login or email; users/me?context=edit proves it', async (t) => {
  const { sb } = await startWp(t);
  assert.match(sb.applicationPassword, /^([A-Za-z0-9]{4} ){5}[A-Za-z0-9]{4}$/);
  const me = sb.restUrl('/wp/v2/users/me', { context: 'edit' });
  for (const auth of [
    basic(sb.username, sb.applicationPassword),
    basic(sb.username, sb.applicationPassword.replace(/ /g, '')),
    basic(sb.email, sb.applicationPassword),
  ]) {
    const res = await call(me, { auth });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.id, 1);
    assert.equal(res.body.username, sb.username);
    assert.equal(res.body.email, sb.email);
    assert.deepEqual(res.body.roles, ['administrator']);
  }
  // The ?rest_route= form the provider definition uses works in every permalink mode.
  const plain = await call(`${sb.siteUrl}/index.php?rest_route=/wp/v2/users/me&context=edit`, { auth: sb.basicAuth() });
  assert.equal(plain.status, 200);
  assert.equal(plain.body.username, sb.username);

  const introspect = await call(sb.restUrl('/wp/v2/users/me/application-passwords/introspect'), {
    auth: sb.basicAuth(),
  });
  assert.equal(introspect.status, 200);
  assert.equal(introspect.body.name, 'Plexus');
  assert.equal(introspect.body.password, undefined);
});

test('wrong credentials run as anonymous, as on a real 6.1: public routes answer, users/me is rest_not_logged_in, writes are refused', async (t) => {
  const { sb } = await startWp(t);
  const me = sb.restUrl('/wp/v2/users/me', { context: 'edit' });
  assertWpError(
    await call(me, { auth: basic(sb.username, 'abcd efgh ijkl mnop qrst uvwx') }),
    401,
    'rest_not_logged_in',
  );
  const publicRoute = await call(sb.restUrl('/wp/v2/posts'), { auth: basic(sb.username, 'nope') });
  assert.equal(publicRoute.status, 200);
  const write = await call(sb.restUrl('/wp/v2/posts'), {
    ...jsonPost({ title: 'x' }),
    auth: basic(sb.username, 'nope'),
  });
  assertWpError(write, 401, 'rest_cannot_create');
  assertWpError(await call(me, { auth: basic('ghost', sb.applicationPassword) }), 401, 'rest_not_logged_in');
  assertWpError(
    await call(me, { auth: basic('ghost@example.test', sb.applicationPassword) }),
    401,
    'rest_not_logged_in',
  );
  assertWpError(await call(me), 401, 'rest_not_logged_in');
});

test('application passwords unavailable (no HTTPS, not local): Basic is ignored and the request runs anonymous', async (t) => {
  const { sb } = await startWp(t, { applicationPasswordsAvailable: false });
  assertWpError(await call(sb.restUrl('/wp/v2/users/me'), { auth: sb.basicAuth() }), 401, 'rest_not_logged_in');
  // Even a wrong password is not reported: public routes answer as for anyone.
  const posts = await call(sb.restUrl('/wp/v2/posts'), { auth: basic(sb.username, 'wrong') });
  assert.equal(posts.status, 200);
  const root = await call(sb.apiRoot);
  assert.deepEqual(root.body.authentication, []);
});

test('revocation: a deleted application password no longer logs in', async (t) => {
  const { sb } = await startWp(t);
  const extra = sb.createApplicationPassword('Second');
  const auth = basic(sb.username, extra);
  const listed = await call(sb.restUrl('/wp/v2/users/me/application-passwords'), { auth });
  assert.deepEqual(listed.body.map((p: any) => p.name).sort(), ['Plexus', 'Second']);
  const uuid = listed.body.find((p: any) => p.name === 'Second').uuid;
  const del = await remove(sb, sb.basicAuth(), `/wp/v2/users/me/application-passwords/${uuid}`);
  assert.equal(del.body.deleted, true);
  assertWpError(await call(sb.restUrl('/wp/v2/users/me'), { auth }), 401, 'rest_not_logged_in');
  assert.equal(sb.revokeApplicationPasswords(), 1);
  assertWpError(await call(sb.restUrl('/wp/v2/users/me'), { auth: sb.basicAuth() }), 401, 'rest_not_logged_in');
});

test('posts list: default publish only, X-WP-Total/TotalPages, Link next walks everything, per_page>100 and page past end are 400', async (t) => {
  const { sb } = await startWp(t);
  const published = [...sb.site().posts.values()].filter((p) => p.type === 'post' && p.status === 'publish');
  const first = await call(sb.restUrl('/wp/v2/posts', { per_page: '7' }));
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('x-wp-total'), String(published.length));
  assert.equal(first.headers.get('x-wp-totalpages'), String(Math.ceil(published.length / 7)));
  assert.match(first.headers.get('link') ?? '', /rel="https:\/\/api.w.org\/"/);
  const ids: number[] = [];
  let res: Res | undefined = first;
  while (res) {
    assert.equal(res.status, 200);
    ids.push(...res.body.map((p: any) => p.id));
    const next = nextLink(res);
    res = next ? await call(next) : undefined;
  }
  assert.deepEqual(
    ids.sort((a, b) => a - b),
    published.map((p) => p.id).sort((a, b) => a - b),
  );
  assert.ok(first.body.every((p: any) => typeof p.modified_gmt === 'string' && p.title.raw === undefined));

  assertWpError(await call(sb.restUrl('/wp/v2/posts', { per_page: '101' })), 400, 'rest_invalid_param');
  assertWpError(await call(sb.restUrl('/wp/v2/posts', { page: '999' })), 400, 'rest_post_invalid_page_number');
  assertWpError(await call(sb.restUrl('/wp/v2/posts', { status: 'draft' })), 401, 'rest_forbidden_status');
  assertWpError(await call(sb.restUrl('/wp/v2/posts', { context: 'edit' })), 401, 'rest_forbidden_context');

  const any = await call(sb.restUrl('/wp/v2/posts', { status: 'any', per_page: '100' }), { auth: sb.basicAuth() });
  assert.ok(any.body.every((p: any) => p.status !== 'trash'));
  const trash = await call(sb.restUrl('/wp/v2/posts', { status: 'trash', per_page: '100' }), { auth: sb.basicAuth() });
  assert.ok(trash.body.every((p: any) => p.status === 'trash'));

  // Same walk through the ?rest_route= form keeps that form in the Link header.
  const plain = await call(`${sb.siteUrl}/index.php?rest_route=/wp/v2/posts&per_page=5`);
  assert.match(nextLink(plain) ?? '', /index\.php\?rest_route=\/wp\/v2\/posts&per_page=5&page=2$/);
});

test('create, update bumps modified_gmt, trash then 410, force delete; remote edit shows up in modified_after', async (t) => {
  const { sb, clock } = await startWp(t);
  const auth = sb.basicAuth();
  assertWpError(await call(sb.restUrl('/wp/v2/posts'), jsonBody('POST', { title: 'x' })), 401, 'rest_cannot_create');
  const created = await call(sb.restUrl('/wp/v2/posts'), {
    ...jsonBody('POST', { title: 'Hello', content: 'Body', status: 'publish' }),
    auth,
  });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get('location'), sb.restUrl(`/wp/v2/posts/${created.body.id}`));
  assert.equal(created.body.title.raw, 'Hello');
  assert.equal(created.body.modified_gmt, '2025-11-20T12:00:00');

  clock.t += 90_000;
  const updated = await call(sb.restUrl(`/wp/v2/posts/${created.body.id}`), {
    ...jsonBody('PATCH', { title: { raw: 'Hello again' } }),
    auth,
  });
  assert.equal(updated.status, 200);
  assert.equal(updated.body.modified_gmt, '2025-11-20T12:01:30');
  assert.equal(updated.body.content.raw, 'Body');
  assertWpError(
    await call(sb.restUrl(`/wp/v2/posts/${created.body.id}`), { ...jsonBody('POST', { status: 'trash' }), auth }),
    400,
    'rest_invalid_param',
  );

  const trashed = await remove(sb, auth, `/wp/v2/posts/${created.body.id}`);
  assert.equal(trashed.status, 200);
  assert.equal(trashed.body.status, 'trash');
  assertWpError(await remove(sb, auth, `/wp/v2/posts/${created.body.id}`), 410, 'rest_already_trashed');
  const forced = await remove(sb, auth, `/wp/v2/posts/${created.body.id}`, true);
  assert.equal(forced.body.deleted, true);
  assert.equal(forced.body.previous.id, created.body.id);
  assertWpError(await call(sb.restUrl(`/wp/v2/posts/${created.body.id}`), { auth }), 404, 'rest_post_invalid_id');

  const watermark = '2025-11-20T12:01:30';
  const none = await call(sb.restUrl('/wp/v2/posts', { modified_after: watermark }));
  assert.deepEqual(none.body, []);
  const target = [...sb.site().posts.values()].find((p) => p.type === 'post' && p.status === 'publish')!;
  clock.t += 60_000;
  sb.remote.edit(String(target.id), { title: 'Edited in wp-admin' });
  const changed = await call(sb.restUrl('/wp/v2/posts', { modified_after: watermark }));
  assert.deepEqual(
    changed.body.map((p: any) => [p.id, p.title.rendered, p.modified_gmt]),
    [[target.id, 'Edited in wp-admin', '2025-11-20T12:02:30']],
  );
  sb.remote.delete(String(target.id));
  assertWpError(await call(sb.restUrl(`/wp/v2/posts/${target.id}`)), 401, 'rest_forbidden');
});

test('batch/v1: 207 with per-request responses, at most 25, require-all-validate fails as a whole', async (t) => {
  const { sb } = await startWp(t);
  const auth = sb.basicAuth();
  const ok = await call(sb.restUrl('/batch/v1'), {
    ...jsonBody('POST', {
      requests: [
        { path: '/wp/v2/posts', body: { title: 'A' } },
        { method: 'DELETE', path: '/wp/v2/posts/999999' },
      ],
    }),
    auth,
  });
  assert.equal(ok.status, 207);
  assert.equal(ok.body.responses[0].status, 201);
  assert.equal(ok.body.responses[0].body.title.raw, 'A');
  assert.equal(ok.body.responses[1].status, 404);
  assert.equal(ok.body.responses[1].body.code, 'rest_post_invalid_id');

  const many = Array.from({ length: 26 }, () => ({ path: '/wp/v2/posts', body: { title: 'x' } }));
  assertWpError(
    await call(sb.restUrl('/batch/v1'), { ...jsonBody('POST', { requests: many }), auth }),
    400,
    'rest_invalid_param',
  );

  const strict = await call(sb.restUrl('/batch/v1'), {
    ...jsonBody('POST', {
      validation: 'require-all-validate',
      requests: [
        { path: '/wp/v2/posts', body: { title: 'ok' } },
        { path: '/wp/v2/posts', body: { status: 'bogus' } },
      ],
    }),
    auth,
  });
  assert.equal(strict.status, 207);
  assert.equal(strict.body.failed, 'validation');
  assert.equal(strict.body.responses[0], null);
  assert.equal(strict.body.responses[1].body.code, 'rest_invalid_param');
});

test('faults: host 429 with Retry-After, fatal-error 500 as WP_Error; control endpoints work', async (t) => {
  const { sb } = await startWp(t);
  await call(
    `${sb.url}/__sandbox/faults`,
    jsonBody('POST', { kind: 'rate_limit', retryAfterSeconds: 30, pathPrefix: '/wp-json/wp/v2/posts' }),
  );
  const limited = await call(sb.restUrl('/wp/v2/posts'));
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), '30');
  assert.equal((await call(sb.restUrl('/wp/v2/posts'))).status, 200);
  sb.faults.serverError();
  assertWpError(await call(sb.restUrl('/wp/v2/posts')), 500, 'internal_server_error');
  const stats = await call(`${sb.url}/__sandbox/stats`);
  assert.equal(stats.body.provider, 'wordpress');
  assert.equal(stats.body.requests, 3);
  const id = [...sb.site().posts.keys()][0];
  const edit = await call(
    `${sb.url}/__sandbox/remote/edit`,
    jsonBody('POST', { id: String(id), patch: { title: 'Remote' } }),
  );
  assert.equal(edit.status, 200);
  assert.equal(sb.site().posts.get(id!)?.title, 'Remote');
});

test('same seed and size give identical data', async (t) => {
  const a = await startWp(t, { seed: 3, size: 30 });
  const b = await startWp(t, { seed: 3, size: 30 });
  const strip = (rows: any[]) =>
    rows.map((p) => ({ id: p.id, title: p.title, modified_gmt: p.modified_gmt, status: p.status, slug: p.slug }));
  const ra = await call(a.sb.restUrl('/wp/v2/posts', { per_page: '100', status: 'any' }), { auth: a.sb.basicAuth() });
  const rb = await call(b.sb.restUrl('/wp/v2/posts', { per_page: '100', status: 'any' }), { auth: b.sb.basicAuth() });
  assert.deepEqual(strip(ra.body), strip(rb.body));
  assert.equal(a.sb.applicationPassword, b.sb.applicationPassword);
});

test('categories and tags: search, include, term_exists names the existing id, escaped names, force-only delete, batchable', async (t) => {
  const { sb } = await startWp(t);
  const auth = sb.basicAuth();
  const created = await call(sb.restUrl('/wp/v2/categories'), { ...jsonBody('POST', { name: 'News & Events' }), auth });
  assert.equal(created.status, 201);
  assert.equal(created.body.name, 'News &amp; Events');
  assert.equal(created.body.slug, 'news-events');
  assert.equal(created.headers.get('location'), sb.restUrl(`/wp/v2/categories/${created.body.id}`));
  const dup = await call(sb.restUrl('/wp/v2/categories'), { ...jsonBody('POST', { name: 'news &amp; events' }), auth });
  assertWpError(dup, 400, 'term_exists');
  assert.equal(dup.body.data.term_id, created.body.id);
  assertWpError(
    await call(sb.restUrl('/wp/v2/tags'), { ...jsonBody('POST', {}), auth }),
    400,
    'rest_missing_callback_param',
  );
  assertWpError(await call(sb.restUrl('/wp/v2/tags'), jsonBody('POST', { name: 'x' })), 401, 'rest_cannot_create');

  // Search matches the stored (escaped) name, so the plain spelling finds nothing.
  assert.deepEqual((await call(sb.restUrl('/wp/v2/categories', { search: 'News & Events' }))).body, []);
  assert.deepEqual(
    (await call(sb.restUrl('/wp/v2/categories', { search: 'events' }))).body.map((c: any) => c.id),
    [created.body.id],
  );
  const both = await call(sb.restUrl('/wp/v2/categories', { include: `1,${created.body.id}`, per_page: '100' }));
  assert.deepEqual(
    both.body.map((c: any) => c.name),
    ['News &amp; Events', 'Uncategorized'],
  );
  assert.equal(both.headers.get('x-wp-total'), '2');
  assertWpError(await call(sb.restUrl('/wp/v2/tags/1')), 404, 'rest_term_invalid');

  assertWpError(await remove(sb, auth, `/wp/v2/categories/${created.body.id}`), 501, 'rest_trash_not_supported');
  const gone = await remove(sb, auth, `/wp/v2/categories/${created.body.id}`, true);
  assert.equal(gone.body.deleted, true);
  const batch = await call(sb.restUrl('/batch/v1'), {
    ...jsonBody('POST', {
      requests: [
        { path: '/wp/v2/tags', body: { name: 'alpha' } },
        { path: '/wp/v2/media', body: {} },
      ],
    }),
    auth,
  });
  assert.equal(batch.body.responses[0].status, 201);
  assert.equal(batch.body.responses[1].body.code, 'rest_batch_not_allowed');
});

test('media: raw upload with Content-Disposition, its checks, the file served at source_url, force-only delete', async (t) => {
  const { sb } = await startWp(t);
  const auth = sb.basicAuth();
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000002000000030806000000', 'hex');
  const up = (headers: Record<string, string>, body: Buffer = png, params: Record<string, string> = {}) =>
    call(sb.restUrl('/wp/v2/media', params), { method: 'POST', headers: { authorization: auth, ...headers }, body });
  assertWpError(await up({ 'content-type': 'image/png' }), 400, 'rest_upload_no_content_disposition');
  assertWpError(
    await up({ 'content-type': 'image/png', 'content-disposition': 'attachment' }),
    400,
    'rest_upload_invalid_disposition',
  );
  assertWpError(
    await up({
      'content-type': 'image/png',
      'content-disposition': 'attachment; filename="a.png"',
      'content-md5': '0'.repeat(32),
    }),
    412,
    'rest_upload_hash_mismatch',
  );
  assertWpError(
    await up({ 'content-type': 'image/png', 'content-disposition': 'attachment; filename="a.exe"' }),
    500,
    'rest_upload_sideload_error',
  );
  assertWpError(
    await up({ 'content-type': 'image/png', 'content-disposition': 'attachment; filename="a.png"' }, Buffer.alloc(0)),
    400,
    'rest_upload_no_data',
  );

  const first = await up(
    { 'content-type': 'image/png', 'content-disposition': 'attachment; filename="hero.png"' },
    png,
    { alt_text: 'A hero' },
  );
  assert.equal(first.status, 201);
  assert.equal(first.body.alt_text, 'A hero');
  assert.equal(first.body.title.raw, 'hero');
  assert.deepEqual([first.body.media_details.width, first.body.media_details.height], [2, 3]);
  assert.match(first.body.source_url, /\/wp-content\/uploads\/2025\/11\/hero\.png$/);
  const again = await up({ 'content-type': 'image/png', 'content-disposition': 'attachment; filename="hero.png"' });
  assert.match(again.body.source_url, /hero-1\.png$/);
  const file = await fetch(first.body.source_url);
  assert.deepEqual(Buffer.from(await file.arrayBuffer()), png);

  // featured_media takes an image attachment; any other id is silently ignored (6.1 drops the error).
  const post = await call(sb.restUrl('/wp/v2/posts'), {
    ...jsonBody('POST', { title: 'With image', featured_media: first.body.id }),
    auth,
  });
  assert.equal(post.body.featured_media, first.body.id);
  const bogus = await call(sb.restUrl(`/wp/v2/posts/${post.body.id}`), {
    ...jsonBody('POST', { featured_media: 999999 }),
    auth,
  });
  assert.equal(bogus.status, 200);
  assert.equal(bogus.body.featured_media, first.body.id);

  assertWpError(await remove(sb, auth, `/wp/v2/media/${first.body.id}`), 501, 'rest_trash_not_supported');
  const deleted = await remove(sb, auth, `/wp/v2/media/${first.body.id}`, true);
  assert.equal(deleted.body.deleted, true);
  assert.equal((await call(sb.restUrl(`/wp/v2/posts/${post.body.id}`), { auth })).body.featured_media, 0);
});

test('posts: drafts keep an empty slug until published, pages have no excerpt, emptying a post is refused', async (t) => {
  const { sb } = await startWp(t);
  const auth = sb.basicAuth();
  const draft = await call(sb.restUrl('/wp/v2/posts'), { ...jsonBody('POST', { title: 'Draft title' }), auth });
  assert.equal(draft.body.slug, '');
  const published = await call(sb.restUrl(`/wp/v2/posts/${draft.body.id}`), {
    ...jsonBody('POST', { status: 'publish' }),
    auth,
  });
  assert.equal(published.body.slug, 'draft-title');
  assertWpError(
    await call(sb.restUrl(`/wp/v2/posts/${draft.body.id}`), { ...jsonBody('POST', { title: '', content: '' }), auth }),
    400,
    'empty_content',
  );
  assert.equal((await call(sb.restUrl(`/wp/v2/posts/${draft.body.id}`), { auth })).body.title.rendered, 'Draft title');
  const page = await call(sb.restUrl('/wp/v2/pages'), { ...jsonBody('POST', { title: '', excerpt: 'ignored' }), auth });
  assert.equal(page.status, 201, 'pages support no excerpt, so an empty page is allowed');
  assert.equal(page.body.excerpt, undefined);
  const cats = await call(sb.restUrl('/wp/v2/posts'), {
    ...jsonBody('POST', { title: 'Terms', categories: [2, 999], tags: [6, 2] }),
    auth,
  });
  assert.deepEqual(
    [cats.body.categories, cats.body.tags],
    [[2], [6]],
    'ids that are not terms of the taxonomy are skipped',
  );
});
