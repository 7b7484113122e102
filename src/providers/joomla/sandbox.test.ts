import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { call, startSandbox, type Res } from '../../../test/helpers/sandbox-http.ts';
import { sandbox, type JoomlaSandboxOptions } from './sandbox.ts';

async function startJoomla(t: TestContext, opts: JoomlaSandboxOptions = {}) {
  return startSandbox(t, sandbox, { seed: 9, size: 50, ...opts });
}

const bearer = (token: string): RequestInit => ({
  headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.api+json' },
});
const sendJson = (method: string, token: string, body: unknown): RequestInit => ({
  method,
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

test('token auth: Bearer and X-Joomla-Token accepted; token format is base64 sha256:<id>:<hmac of seed with site secret>', async (t) => {
  const { sb } = await startJoomla(t);
  const [algo, id, hmac] = Buffer.from(sb.token, 'base64').toString().split(':');
  assert.equal(algo, 'sha256');
  assert.equal(Number(id), sb.superUserId);
  assert.match(hmac!, /^[0-9a-f]{64}$/);
  const verify = `${sb.apiUrl}/content/articles?page[limit]=1`;
  const a = await call(verify, bearer(sb.token));
  assert.equal(a.status, 200);
  assert.equal(a.body.data.length, 1);
  const b = await call(verify, { headers: { 'x-joomla-token': sb.token } });
  assert.equal(b.status, 200);
  const pretty = await call(`${sb.url}/api/v1/content/articles?page[limit]=1`, bearer(sb.token));
  assert.equal(pretty.status, 200);
});

test('wrong, lowercase-bearer, non-super-user, disabled and reset tokens are 401 {"errors":[{"title":"Forbidden"}]}', async (t) => {
  const { sb } = await startJoomla(t);
  const url = `${sb.apiUrl}/content/articles`;
  const forged = Buffer.from(
    `sha256:${sb.superUserId}:${createHmac('sha256', 'other-secret').update('x').digest('hex')}`,
  ).toString('base64');
  for (const init of [
    bearer(forged),
    { headers: { authorization: `bearer ${sb.token}` } },
    bearer(sb.registeredToken),
    {},
  ]) {
    const res = await call(url, init);
    assert.equal(res.status, 401);
    assert.equal(res.body.errors[0].title, 'Forbidden');
  }
  sb.setTokenEnabled(false);
  assert.equal((await call(url, bearer(sb.token))).status, 401);
  sb.setTokenEnabled(true);
  const old = sb.token;
  const fresh = sb.resetToken();
  assert.notEqual(fresh, old);
  assert.equal((await call(url, bearer(old))).status, 401);
  assert.equal((await call(url, bearer(fresh))).status, 200);
  const { sb: open } = await startJoomla(t, { allowedGroups: [] });
  assert.equal((await call(`${open.apiUrl}/content/articles`, bearer(open.registeredToken))).status, 200);
});

test('articles: default limit 20, first/previous/next/last links and meta.total-pages, offset past end 404, ordering by a.modified', async (t) => {
  const { sb } = await startJoomla(t);
  const listed = sb.articles().filter((a) => a.state === 0 || a.state === 1);
  const first = await call(`${sb.apiUrl}/content/articles`, bearer(sb.token));
  assert.equal(first.body.data.length, Math.min(20, listed.length));
  assert.equal(first.body.meta['total-pages'], Math.ceil(listed.length / 20));
  assert.equal(typeof first.body.links.next, 'string');
  assert.equal(first.body.data[0].type, 'articles');
  assert.match(first.body.data[0].attributes.modified, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  const ids: string[] = [];
  let next: string | undefined = `${sb.apiUrl}/content/articles?page[limit]=7`;
  while (next) {
    const res: Res = await call(next, bearer(sb.token));
    ids.push(...res.body.data.map((d: any) => d.id));
    next = res.body.links.next;
  }
  assert.deepEqual(
    ids.map(Number).sort((a, b) => a - b),
    listed.map((a) => a.id).sort((a, b) => a - b),
  );
  const past = await call(`${sb.apiUrl}/content/articles?page[offset]=1000`, bearer(sb.token));
  assert.equal(past.status, 404);
  const trashed = await call(`${sb.apiUrl}/content/articles?filter[state]=-2&page[limit]=100`, bearer(sb.token));
  assert.ok(trashed.body.data.every((d: any) => d.attributes.state === -2));
  const byModified = await call(
    `${sb.apiUrl}/content/articles?list[ordering]=a.modified&list[direction]=DESC&page[limit]=100`,
    bearer(sb.token),
  );
  const mods = byModified.body.data.map((d: any) => d.attributes.modified);
  assert.deepEqual(mods, [...mods].sort().reverse());
});

test('create (plain JSON), PATCH bumps modified and version, DELETE 409 until trashed then 204; remote edit shows at the top of a.modified DESC', async (t) => {
  const { sb, clock } = await startJoomla(t);
  const url = `${sb.apiUrl}/content/articles`;
  const invalid = await call(url, sendJson('POST', sb.token, { articletext: 'x' }));
  assert.equal(invalid.status, 400);
  assert.equal(invalid.body.errors[0].title, 'Field required: Title\nField required: Category');
  const created = await call(
    url,
    sendJson('POST', sb.token, {
      title: 'Hello Joomla',
      catid: 2,
      articletext: '<p>Body</p>',
      state: 1,
      language: '*',
    }),
  );
  assert.equal(created.status, 200);
  const id = created.body.data.id;
  const v = created.body.data.attributes.version;
  clock.t += 60_000;
  const patched = await call(`${url}/${id}`, sendJson('PATCH', sb.token, { title: 'Hello again' }));
  assert.equal(patched.body.data.attributes.title, 'Hello again');
  assert.equal(
    patched.body.data.attributes.text,
    '<p>Body</p> ',
    'introtext + " " + fulltext, as JsonapiView joins them',
  );
  assert.equal(patched.body.data.attributes.version, v + 1);
  assert.equal(patched.body.data.attributes.modified, '2025-11-20 12:01:00');
  const conflict = await call(`${url}/${id}`, { method: 'DELETE', ...bearer(sb.token) });
  assert.deepEqual([conflict.status, conflict.body.code], [409, 409]);
  await call(`${url}/${id}`, sendJson('PATCH', sb.token, { state: -2 }));
  assert.equal((await call(`${url}/${id}`, { method: 'DELETE', ...bearer(sb.token) })).status, 204);
  assert.equal((await call(`${url}/${id}`, bearer(sb.token))).status, 404);

  clock.t += 60_000;
  const target = sb.articles().find((a) => a.state === 1)!;
  sb.remote.edit(String(target.id), { title: 'Edited in admin' });
  const top = await call(`${url}?list[ordering]=a.modified&list[direction]=DESC&page[limit]=1`, bearer(sb.token));
  assert.deepEqual([top.body.data[0].id, top.body.data[0].attributes.title], [String(target.id), 'Edited in admin']);
});

test('rate-limit fault answers 429 with Retry-After', async (t) => {
  const { sb } = await startJoomla(t);
  sb.faults.rateLimit({ retryAfterSeconds: 12 });
  const res = await call(`${sb.apiUrl}/content/articles`, bearer(sb.token));
  assert.equal(res.status, 429);
  assert.equal(res.headers.get('retry-after'), '12');
  assert.equal(res.body.errors[0].code, 429);
});

test('categories and tags: search, create with a unique alias, tags on articles as id → title (#new# creates), [] when none', async (t) => {
  const { sb } = await startJoomla(t);
  const cats = await call(`${sb.apiUrl}/content/categories?filter[search]=uncategorised`, bearer(sb.token));
  assert.deepEqual(
    cats.body.data.map((c: any) => [c.id, c.attributes.title, c.attributes.alias]),
    [['2', 'Uncategorised', 'uncategorised']],
  );
  const made = await call(`${sb.apiUrl}/content/categories`, sendJson('POST', sb.token, { title: 'Press Releases' }));
  assert.equal(made.status, 200);
  assert.equal(made.body.data.attributes.alias, 'press-releases');
  const dup = await call(`${sb.apiUrl}/content/categories`, sendJson('POST', sb.token, { title: 'press releases' }));
  assert.equal(dup.status, 400);
  assert.match(dup.body.errors[0].title, /same alias/);
  assert.equal(
    (await call(`${sb.apiUrl}/tags`, sendJson('POST', sb.token, {}))).body.errors[0].title,
    'Field required: Title',
  );
  const tag = await call(`${sb.apiUrl}/tags`, sendJson('POST', sb.token, { title: 'Launch' }));

  const url = `${sb.apiUrl}/content/articles`;
  const plain = await call(url, sendJson('POST', sb.token, { title: 'No tags', catid: Number(made.body.data.id) }));
  assert.deepEqual(plain.body.data.attributes.tags, []);
  const tagged = await call(
    url,
    sendJson('POST', sb.token, { title: 'Tagged', catid: 2, tags: [tag.body.data.id, '#new#launch', '#new#Fresh'] }),
  );
  assert.deepEqual(Object.values(tagged.body.data.attributes.tags).sort(), ['Fresh', 'Launch']);
  assert.deepEqual(
    tagged.body.data.relationships.tags.data.map((d: any) => d.type),
    ['tags', 'tags'],
  );
  assert.equal(sb.tags().filter((x) => x.title.toLowerCase() === 'launch').length, 1);
  const bad = await call(url, sendJson('POST', sb.token, { title: 'Nowhere', catid: 999 }));
  assert.equal(bad.status, 400);
});

test('check-out: another user holding the article refuses a PATCH with 400; filter[state] is cleaned as an integer', async (t) => {
  const { sb } = await startJoomla(t);
  const id = String(sb.articles().find((a) => a.state === 1)!.id);
  sb.remote.checkout(id);
  const refused = await call(`${sb.apiUrl}/content/articles/${id}`, sendJson('PATCH', sb.token, { title: 'Mine' }));
  assert.equal(refused.status, 400);
  assert.match(refused.body.errors[0].title, /^Check-out failed with the following error: /);
  assert.equal(
    (await call(`${sb.apiUrl}/content/articles/${id}`, sendJson('PATCH', sb.editorToken, { title: 'Editor' }))).status,
    200,
    'the holder may save',
  );
  assert.equal(
    (await call(`${sb.apiUrl}/content/articles/${id}`, sendJson('PATCH', sb.token, { title: 'Mine' }))).status,
    200,
    'checked in by that save',
  );
  const star = await call(`${sb.apiUrl}/content/articles?filter[state]=*&page[limit]=100`, bearer(sb.token));
  assert.ok(
    star.body.data.every((d: any) => d.attributes.state === 0),
    '`*` is 0 after INT cleaning',
  );
});
