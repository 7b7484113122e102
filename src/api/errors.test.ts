import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { auth, createTestContext, newOrg, type TestContext } from '../../test/helpers/app.ts';

let ctx: TestContext;
let key: string;

before(async () => {
  ctx = await createTestContext({ config: { PLEXUS_BODY_LIMIT: '2048' } });
  key = (await newOrg(ctx)).key;
});
after(() => ctx.close());

function assertErrorShape(body: unknown, code: string) {
  const b = body as { error: { code: string; message: string } };
  assert.equal(b.error.code, code);
  assert.equal(typeof b.error.message, 'string');
  assert.ok(b.error.message.length > 0);
}

/** A request to create an API key that gets something wrong: its answer, checked for status and code. */
async function createKeyRefused(
  headers: Record<string, string>,
  payload: string | object,
  status: number,
  code: string,
): Promise<{ error: { details?: { path: string }[] } }> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/v1/api-keys',
    headers: { ...auth(key), ...headers },
    payload,
  });
  assert.equal(res.statusCode, status);
  const body = res.json();
  assertErrorShape(body, code);
  return body;
}

test('malformed JSON is 400 invalid_json', async () => {
  await createKeyRefused({ 'content-type': 'application/json' }, '{"name": ', 400, 'invalid_json');
});

test('validation errors name the field path', async () => {
  const body = await createKeyRefused({}, { name: 42 }, 400, 'validation_failed');
  assert.ok(
    body.error.details?.some((d) => d.path === 'name'),
    JSON.stringify(body.error.details),
  );
});

test('an oversized body is 413 payload_too_large', async () => {
  await createKeyRefused({}, { name: 'x'.repeat(5000) }, 413, 'payload_too_large');
});

test('an unsupported content type is 415', async () => {
  await createKeyRefused({ 'content-type': 'application/xml' }, '<a/>', 415, 'unsupported_media_type');
});

test('an unknown route is a JSON 404', async () => {
  const res = await ctx.app.inject({ method: 'GET', url: '/v1/nothing-here?x=1' });
  assert.equal(res.statusCode, 404);
  assertErrorShape(res.json(), 'route_not_found');
  assert.match(res.headers['content-type'] as string, /application\/json/);
});

test('a missing API key is 401 missing_api_key', async () => {
  const res = await ctx.app.inject({ method: 'GET', url: '/v1/org' });
  assert.equal(res.statusCode, 401);
  assertErrorShape(res.json(), 'missing_api_key');
});

test('an unknown or malformed API key is 401 invalid_api_key', async () => {
  for (const bad of ['nonsense', key.slice(0, -2) + 'AA', `plx_${'0'.repeat(32)}_${'A'.repeat(43)}`]) {
    const res = await ctx.app.inject({ method: 'GET', url: '/v1/org', headers: auth(bad) });
    assert.equal(res.statusCode, 401, bad);
    assertErrorShape(res.json(), 'invalid_api_key');
  }
});

test('a revoked API key is refused; the key is shown once and stored only hashed', async () => {
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/v1/api-keys',
    headers: auth(key),
    payload: { name: 'temp' },
  });
  assert.equal(created.statusCode, 201);
  const { id, key: newKey, prefix } = created.json();
  assert.ok(newKey.startsWith('plx_'));
  assert.ok(newKey.slice(37).startsWith(prefix.replace('plx_…', '')), 'prefix is the visible start of the secret');
  assert.equal((await ctx.app.inject({ method: 'GET', url: '/v1/org', headers: auth(newKey) })).statusCode, 200);

  const listed = await ctx.app.inject({ method: 'GET', url: '/v1/api-keys', headers: auth(key) });
  assert.ok(!listed.body.includes(newKey), 'list must not return the key');
  const stored = await ctx.db.owner.query('select key_hash::text as h, prefix from api_keys where id = $1', [id]);
  assert.ok(!JSON.stringify(stored.rows).includes(newKey.slice(37)));

  const revoked = await ctx.app.inject({ method: 'DELETE', url: `/v1/api-keys/${id}`, headers: auth(key) });
  assert.equal(revoked.statusCode, 200);
  assert.ok(revoked.json().revoked_at);
  const res = await ctx.app.inject({ method: 'GET', url: '/v1/org', headers: auth(newKey) });
  assert.equal(res.statusCode, 401);
  assertErrorShape(res.json(), 'invalid_api_key');
});

test('last_used_at is recorded', async () => {
  await ctx.app.inject({ method: 'GET', url: '/v1/org', headers: auth(key) });
  const list = (await ctx.app.inject({ method: 'GET', url: '/v1/api-keys', headers: auth(key) })).json();
  assert.ok(list.data.some((k: { last_used_at: string | null }) => k.last_used_at !== null));
});

test('an invalid path parameter is a 400 with its path, not a 500', async () => {
  const res = await ctx.app.inject({ method: 'DELETE', url: '/v1/api-keys/not-a-uuid', headers: auth(key) });
  assert.equal(res.statusCode, 400);
  assertErrorShape(res.json(), 'validation_failed');
});

test('admin routes fail closed', async () => {
  const createOrg = (headers: Record<string, string>) =>
    ctx.app.inject({ method: 'POST', url: '/v1/admin/orgs', headers, payload: { name: 'x' } });
  assert.equal((await createOrg({})).statusCode, 401, 'no token');
  assert.equal((await createOrg(auth('wrong-token-wrong-token-wrong'))).statusCode, 403, 'a wrong token');
  assert.equal((await createOrg(auth(key))).statusCode, 403, "an org's key");
});

test('rate limit answers 429 with Retry-After', async () => {
  const limited = await createTestContext({ config: { PLEXUS_API_RATE_LIMIT: '3' } });
  try {
    const k = (await newOrg(limited)).key;
    const codes: number[] = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await limited.app.inject({ method: 'GET', url: '/v1/providers', headers: auth(k) });
      codes.push(last.statusCode);
    }
    assert.deepEqual(codes, [200, 200, 200, 429, 429]);
    assert.ok(last);
    assertErrorShape(last.json(), 'rate_limited');
    assert.ok(Number(last.headers['retry-after']) > 0);
  } finally {
    await limited.close();
  }
});

test('GET /v1/providers lists the 12 providers', async () => {
  const res = await ctx.app.inject({ method: 'GET', url: '/v1/providers', headers: auth(key) });
  assert.equal(res.statusCode, 200);
  const data = res.json().data as { id: string; family: string; auth_kind: string; capabilities: string[] }[];
  assert.equal(data.length, 12);
  assert.equal(data.filter((p) => p.family === 'ads').length, 6);
  assert.ok(data.every((p) => p.auth_kind && p.capabilities.length > 0));
});

test('openapi.json documents the routes', async () => {
  const res = await ctx.app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(res.statusCode, 200);
  const doc = res.json();
  assert.equal(doc.openapi, '3.1.0');
  for (const p of ['/v1/api-keys', '/v1/dead-letters', '/v1/dead-letters/{id}/replay', '/v1/providers'])
    assert.ok(doc.paths[p], p);
});
