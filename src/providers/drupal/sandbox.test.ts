import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { basic, callWithCredential, form, startSandbox, type Res } from '../../../test/helpers/sandbox-http.ts';
import { codeRequestUrl, decide, postToken } from '../../../test/helpers/sandbox-oauth.ts';
import { sandbox, type DrupalSandboxOptions } from './sandbox.ts';

const REDIRECT = 'http://127.0.0.1:9/drupal/callback';
const JSONAPI = 'application/vnd.api+json';

async function startDrupal(t: TestContext, opts: DrupalSandboxOptions = {}) {
  return startSandbox(t, sandbox, { seed: 5, size: 120, autoConsent: true, ...opts });
}

const call = callWithCredential('auth', 'authorization');

function api(method: string, body: unknown): RequestInit {
  return { method, headers: { 'content-type': JSONAPI, accept: JSONAPI }, body: JSON.stringify(body) };
}

function assertJsonApiError(res: Res, status: number): any {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.jsonapi.version, '1.0');
  const e = res.body.errors[0];
  assert.equal(e.status, String(status));
  assert.equal(typeof e.title, 'string');
  return e;
}

test('basic_auth: valid credentials show up as meta.links.me; wrong ones silently fall back to anonymous', async (t) => {
  const { sb } = await startDrupal(t);
  const ok = await call(sb.jsonapiUrl, { auth: sb.basicAuth() });
  assert.equal(ok.status, 200);
  assert.match(ok.headers.get('content-type') ?? '', /application\/vnd\.api\+json/);
  assert.equal(ok.body.meta.links.me.meta.id, sb.userUuid);
  const me = await call(ok.body.meta.links.me.href, { auth: sb.basicAuth() });
  assert.equal(me.body.data.attributes.name, sb.username);

  // The pitfall: a wrong password is not an error, the entry point answers 200 as for anyone.
  const wrong = await call(sb.jsonapiUrl, { auth: basic(sb.username, 'wrong') });
  assert.equal(wrong.status, 200);
  assert.equal(wrong.body.meta, undefined);
  const anon = await call(sb.jsonapiUrl);
  assert.equal(anon.body.meta, undefined);

  // Protected operations: no credentials → basic_auth's 401 challenge; wrong credentials → 403.
  sb.setReadOnly(false);
  const body = { data: { type: 'node--article', attributes: { title: 'x' } } };
  const noCreds = assertJsonApiError(await call(`${sb.jsonapiUrl}/node/article`, api('POST', body)), 401);
  assert.equal(noCreds.detail, 'No authentication credentials provided.');
  const badCreds = assertJsonApiError(
    await call(`${sb.jsonapiUrl}/node/article`, { ...api('POST', body), auth: basic(sb.username, 'wrong') }),
    403,
  );
  assert.equal(badCreds.source.pointer, '/data');
});

test('cookie login proves credentials (400 on wrong ones) and requires X-CSRF-Token on writes', async (t) => {
  const { sb } = await startDrupal(t, { readOnly: false });
  const bad = await call(`${sb.url}/user/login?_format=json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: sb.username, pass: 'nope' }),
  });
  assert.deepEqual([bad.status, bad.body], [400, { message: 'Sorry, unrecognized username or password.' }]);
  const login = await call(`${sb.url}/user/login?_format=json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: sb.username, pass: sb.password }),
  });
  assert.equal(login.status, 200);
  assert.equal(login.body.current_user.name, sb.username);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const body = { data: { type: 'node--article', attributes: { title: 'Cookie post' } } };
  const missing = assertJsonApiError(
    await call(`${sb.jsonapiUrl}/node/article`, { ...api('POST', body), headers: { 'content-type': JSONAPI, cookie } }),
    403,
  );
  assert.equal(missing.detail, 'X-CSRF-Token request header is missing');
  const created = await call(`${sb.jsonapiUrl}/node/article`, {
    ...api('POST', body),
    headers: { 'content-type': JSONAPI, cookie, 'x-csrf-token': login.body.csrf_token },
  });
  assert.equal(created.status, 201);
  assert.equal((await call(`${sb.url}/user/login_status?_format=json`, { headers: { cookie } })).body, 1);
});

test('simple_oauth: code flow with consent, JWT bearer, expiry, refresh rotation + counter, deny redirect', async (t) => {
  const { sb, clock } = await startDrupal(t, { autoConsent: false });
  const page = await call(codeRequestUrl(sb, REDIRECT, { state: 's1', scope: 'content_editor' }));
  assert.equal(page.status, 200);
  const deny = await decide(sb.url, page, 'deny', call);
  assert.equal(deny.searchParams.get('error'), 'access_denied');
  assert.equal(deny.searchParams.get('state'), 's1');
  const allow = await decide(sb.url, page, 'allow', call);
  const code = allow.searchParams.get('code')!;

  const tok = await postToken(sb, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT }, call);
  assert.equal(tok.status, 200);
  assert.equal(tok.body.token_type, 'Bearer');
  assert.equal(tok.body.expires_in, 300);
  const [h, p] = tok.body.access_token.split('.');
  assert.equal(JSON.parse(Buffer.from(h, 'base64url').toString()).alg, 'RS256');
  assert.equal(JSON.parse(Buffer.from(p, 'base64url').toString()).sub, '1');
  const me = await call(sb.jsonapiUrl, { auth: `Bearer ${tok.body.access_token}` });
  assert.equal(me.body.meta.links.me.meta.id, sb.userUuid);

  clock.t += 300_000;
  const expired = assertJsonApiError(await call(sb.jsonapiUrl, { auth: `Bearer ${tok.body.access_token}` }), 401);
  assert.match(expired.detail, /denied the request/);
  const wrongClient = await call(
    sb.tokenUrl,
    form({
      grant_type: 'refresh_token',
      client_id: sb.clientId,
      client_secret: 'x',
      refresh_token: tok.body.refresh_token,
    }),
  );
  assert.deepEqual([wrongClient.status, wrongClient.body.error], [401, 'invalid_client']);
  const r1 = await postToken(sb, { grant_type: 'refresh_token', refresh_token: tok.body.refresh_token }, call);
  assert.equal(r1.status, 200);
  assert.equal(
    (await call(sb.jsonapiUrl, { auth: `Bearer ${r1.body.access_token}` })).body.meta.links.me.meta.id,
    sb.userUuid,
  );
  const replay = await postToken(sb, { grant_type: 'refresh_token', refresh_token: tok.body.refresh_token }, call);
  assert.deepEqual(
    [replay.status, replay.body.error, replay.body.hint],
    [400, 'invalid_grant', 'Token has been revoked'],
  );
  assert.equal(sb.tokens.refreshCount(r1.body.access_token), 1);
  await call(`${sb.url}/__sandbox/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: r1.body.access_token }),
  });
  assert.match(
    assertJsonApiError(await call(sb.jsonapiUrl, { auth: `Bearer ${r1.body.access_token}` }), 401).detail,
    /revoked/,
  );
});

test('JSON:API articles: page[limit] capped at 50, links.next walks all, filter[changed] with operator, unpublished hidden from anonymous', async (t) => {
  const { sb } = await startDrupal(t);
  const all = sb.nodes().filter((n) => n.bundle === 'article');
  const ids: string[] = [];
  let next: string | undefined = `${sb.jsonapiUrl}/node/article?page[limit]=500&sort=changed`;
  let pages = 0;
  while (next) {
    const res: Res = await call(next, { auth: sb.basicAuth() });
    assert.equal(res.status, 200);
    assert.ok(res.body.data.length <= 50);
    ids.push(...res.body.data.map((d: any) => d.id));
    next = res.body.links.next?.href;
    pages++;
  }
  assert.equal(pages, Math.ceil(all.length / 50));
  assert.deepEqual([...ids].sort(), all.map((n) => n.uuid).sort());

  const anon = await call(`${sb.jsonapiUrl}/node/article?page[limit]=50`);
  assert.ok(anon.body.data.every((d: any) => d.attributes.status === true));

  const cut = all.map((n) => n.changed).sort((a, b) => a - b)[Math.floor(all.length / 2)]!;
  const since = await call(
    `${sb.jsonapiUrl}/node/article?filter[changed][value]=${cut}&filter[changed][operator]=%3E%3D&page[limit]=50`,
    { auth: sb.basicAuth() },
  );
  assert.equal(since.body.data.length, Math.min(50, all.filter((n) => n.changed >= cut).length));
  assert.ok(since.body.data.every((d: any) => Date.parse(d.attributes.changed) / 1000 >= cut));
});

test('writes: read-only 405 by default, 415 without the JSON:API type, POST 201 + Location, PATCH bumps changed/vid, stale changed 422, DELETE 204, remote edit', async (t) => {
  const { sb, clock } = await startDrupal(t);
  const auth = sb.basicAuth();
  const body = {
    data: { type: 'node--article', attributes: { title: 'New', body: { value: '<p>x</p>', format: 'basic_html' } } },
  };
  assertJsonApiError(await call(`${sb.jsonapiUrl}/node/article`, { ...api('POST', body), auth }), 405);
  sb.setReadOnly(false);
  assertJsonApiError(
    await call(`${sb.jsonapiUrl}/node/article`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      auth,
    }),
    415,
  );
  const created = await call(`${sb.jsonapiUrl}/node/article`, { ...api('POST', body), auth });
  assert.equal(created.status, 201);
  const id = created.body.data.id;
  assert.equal(created.headers.get('location'), `${sb.jsonapiUrl}/node/article/${id}`);
  const vid = created.body.data.attributes.drupal_internal__vid;
  const readChanged = created.body.data.attributes.changed;

  clock.t += 10_000;
  sb.remote.edit(id, { title: 'Edited in Drupal' });
  const stale = assertJsonApiError(
    await call(`${sb.jsonapiUrl}/node/article/${id}`, {
      ...api('PATCH', { data: { type: 'node--article', id, attributes: { title: 'Mine', changed: readChanged } } }),
      auth,
    }),
    422,
  );
  assert.equal(stale.source.pointer, '/data');
  clock.t += 10_000;
  const patched = await call(`${sb.jsonapiUrl}/node/article/${id}`, {
    ...api('PATCH', { data: { type: 'node--article', id, attributes: { title: 'Mine' } } }),
    auth,
  });
  assert.equal(patched.status, 200);
  assert.equal(patched.body.data.attributes.title, 'Mine');
  assert.ok(patched.body.data.attributes.drupal_internal__vid > vid + 1);
  assert.equal(patched.body.data.attributes.changed, '2025-11-20T12:00:20+00:00');
  assertJsonApiError(
    await call(`${sb.jsonapiUrl}/node/article/${id}`, {
      ...api('PATCH', { data: { type: 'node--article', id: 'other', attributes: {} } }),
      auth,
    }),
    400,
  );
  assert.equal((await call(`${sb.jsonapiUrl}/node/article/${id}`, { method: 'DELETE', auth })).status, 204);
  assertJsonApiError(await call(`${sb.jsonapiUrl}/node/article/${id}`, { auth }), 404);
});

test('faults come back as JSON:API error documents', async (t) => {
  const { sb } = await startDrupal(t);
  sb.faults.rateLimit({ retryAfterSeconds: 5 });
  const res = await call(`${sb.jsonapiUrl}/node/article`);
  assertJsonApiError(res, 429);
  assert.equal(res.headers.get('retry-after'), '5');
  sb.faults.serverError({ status: 503 });
  assertJsonApiError(await call(`${sb.jsonapiUrl}/node/article`), 503);
});

test('tags vocabulary: create 201, filter[name] ignores case, sort and include on nodes, dangling references render as missing', async (t) => {
  const { sb } = await startDrupal(t, { readOnly: false });
  const auth = sb.basicAuth();
  const term = await call(`${sb.jsonapiUrl}/taxonomy_term/tags`, {
    ...api('POST', { data: { type: 'taxonomy_term--tags', attributes: { name: 'Launch' } } }),
    auth,
  });
  assert.equal(term.status, 201);
  assert.equal(term.headers.get('location'), `${sb.jsonapiUrl}/taxonomy_term/tags/${term.body.data.id}`);
  const missingName = assertJsonApiError(
    await call(`${sb.jsonapiUrl}/taxonomy_term/tags`, {
      ...api('POST', { data: { type: 'taxonomy_term--tags', attributes: {} } }),
      auth,
    }),
    422,
  );
  assert.equal(missingName.source.pointer, '/data/attributes/name');
  const found = await call(`${sb.jsonapiUrl}/taxonomy_term/tags?filter[name]=launch`, { auth });
  assert.deepEqual(
    found.body.data.map((d: any) => d.attributes.name),
    ['Launch'],
  );

  const node = await call(`${sb.jsonapiUrl}/node/article?include=field_tags`, {
    ...api('POST', {
      data: {
        type: 'node--article',
        attributes: { title: 'Tagged' },
        relationships: { field_tags: { data: [{ type: 'taxonomy_term--tags', id: term.body.data.id }] } },
      },
    }),
    auth,
  });
  assert.equal(node.status, 201);
  const read = await call(`${sb.jsonapiUrl}/node/article/${node.body.data.id}?include=field_tags`, { auth });
  assert.deepEqual(
    read.body.included.map((i: any) => i.attributes.name),
    ['Launch'],
  );
  assertJsonApiError(
    await call(`${sb.jsonapiUrl}/node/article/${node.body.data.id}?include=field_nope`, { auth }),
    400,
  );
  const bogus = assertJsonApiError(
    await call(`${sb.jsonapiUrl}/node/article`, {
      ...api('POST', {
        data: {
          type: 'node--article',
          attributes: { title: 'x' },
          relationships: {
            field_tags: { data: [{ type: 'taxonomy_term--tags', id: '00000000-0000-4000-8000-000000000000' }] },
          },
        },
      }),
      auth,
    }),
    404,
  );
  assert.match(bogus.detail, /could not be found/);
  assert.equal(
    (await call(`${sb.jsonapiUrl}/taxonomy_term/tags/${term.body.data.id}`, { method: 'DELETE', auth })).status,
    204,
  );
  const dangling = await call(`${sb.jsonapiUrl}/node/article/${node.body.data.id}`, { auth });
  assert.deepEqual(
    dangling.body.data.relationships.field_tags.data.map((d: any) => d.id),
    ['missing'],
  );
});

test('filter groups: an OR group with a nested AND group (keyset paging on changed, nid)', async (t) => {
  const { sb } = await startDrupal(t);
  const all = sb
    .nodes()
    .filter((n) => n.bundle === 'article')
    .sort((a, b) => a.changed - b.changed || a.nid - b.nid);
  const pivot = all[40]!;
  const q = new URLSearchParams({
    sort: 'changed,drupal_internal__nid',
    'filter[after][group][conjunction]': 'OR',
    'filter[later][condition][path]': 'changed',
    'filter[later][condition][operator]': '>',
    'filter[later][condition][value]': String(pivot.changed),
    'filter[later][condition][memberOf]': 'after',
    'filter[same][group][conjunction]': 'AND',
    'filter[same][group][memberOf]': 'after',
    'filter[c][condition][path]': 'changed',
    'filter[c][condition][value]': String(pivot.changed),
    'filter[c][condition][memberOf]': 'same',
    'filter[n][condition][path]': 'drupal_internal__nid',
    'filter[n][condition][operator]': '>',
    'filter[n][condition][value]': String(pivot.nid),
    'filter[n][condition][memberOf]': 'same',
  });
  const res = await call(`${sb.jsonapiUrl}/node/article?${q.toString()}`, { auth: sb.basicAuth() });
  assert.deepEqual(
    res.body.data.map((d: any) => d.id),
    all.slice(41, 91).map((n) => n.uuid),
  );
});

test('writes: client UUIDs (409 when taken), unique aliases, body replaced whole on PATCH, image upload and its checks', async (t) => {
  const { sb } = await startDrupal(t, { readOnly: false });
  const auth = sb.basicAuth();
  const id = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
  const doc = (attrs: Record<string, unknown>, rels: Record<string, unknown> = {}) => ({
    data: { type: 'node--article', id, attributes: attrs, relationships: rels },
  });
  const created = await call(`${sb.jsonapiUrl}/node/article`, {
    ...api(
      'POST',
      doc({ title: 'Mine', path: { alias: '/mine' }, body: { value: '<p>v</p>', summary: 's', format: 'basic_html' } }),
    ),
    auth,
  });
  assert.equal(created.body.data.id, id);
  assertJsonApiError(
    await call(`${sb.jsonapiUrl}/node/article`, { ...api('POST', doc({ title: 'Again' })), auth }),
    409,
  );
  const taken = await call(`${sb.jsonapiUrl}/node/article`, {
    ...api('POST', { data: { type: 'node--article', attributes: { title: 'Other', path: { alias: '/mine' } } } }),
    auth,
  });
  assert.equal(assertJsonApiError(taken, 422).source.pointer, '/data/attributes/path');
  const patched = await call(`${sb.jsonapiUrl}/node/article/${id}`, {
    ...api('PATCH', doc({ body: { value: '<p>new</p>' } })),
    auth,
  });
  assert.deepEqual(
    [
      patched.body.data.attributes.body.value,
      patched.body.data.attributes.body.summary,
      patched.body.data.attributes.body.format,
    ],
    ['<p>new</p>', '', null],
  );

  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000004000000050806000000', 'hex');
  const up = (headers: Record<string, string>) =>
    call(`${sb.jsonapiUrl}/node/article/field_image`, {
      method: 'POST',
      headers: { accept: JSONAPI, ...headers },
      body: png,
      auth,
    });
  assertJsonApiError(await up({ 'content-type': 'image/png', 'content-disposition': 'file; filename="a.png"' }), 415);
  assertJsonApiError(await up({ 'content-type': 'application/octet-stream' }), 400);
  assertJsonApiError(
    await up({ 'content-type': 'application/octet-stream', 'content-disposition': 'file; filename=a.png' }),
    400,
  );
  assert.equal(
    assertJsonApiError(
      await up({ 'content-type': 'application/octet-stream', 'content-disposition': 'file; filename="a.exe"' }),
      422,
    ).source.pointer,
    '/data',
  );
  const file = await up({
    'content-type': 'application/octet-stream',
    'content-disposition': 'file; filename="hero.png"',
  });
  assert.equal(file.status, 201);
  assert.equal(file.body.data.type, 'file--file');
  assert.equal(file.body.data.attributes.status, false, 'temporary until referenced');
  const served = await fetch(`${sb.siteUrl}${file.body.data.attributes.uri.url}`);
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), png);
  const image = (meta: Record<string, unknown>) =>
    doc({}, { field_image: { data: { type: 'file--file', id: file.body.data.id, meta } } });
  assertJsonApiError(await call(`${sb.jsonapiUrl}/node/article/${id}`, { ...api('PATCH', image({})), auth }), 422);
  const withImage = await call(`${sb.jsonapiUrl}/node/article/${id}`, {
    ...api('PATCH', image({ alt: 'Hero' })),
    auth,
  });
  assert.deepEqual(withImage.body.data.relationships.field_image.data.meta, {
    alt: 'Hero',
    title: '',
    width: 4,
    height: 5,
    drupal_internal__target_id: file.body.data.attributes.drupal_internal__fid,
  });
  assert.equal(sb.files()[0]?.status, true);
});
