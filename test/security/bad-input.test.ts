/**
 * Bad input is a 4xx in the one envelope `{"error":{"code","message"}}`, never a 500: NUL in
 * strings and query values, cursors that do not parse, ads ids that decode to a non-UUID, a
 * CMS webhook path that is not a UUID, a signed webhook body holding \u0000, Fastify's and
 * Node's own errors, and unknown body fields (named in the answer).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { providers } from '../../src/providers/registry.ts';
import { schemeFor } from '../../src/providers/kit/webhook-schemes/index.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';

let ctx: TestContext;
let org: { id: string; key: string };
let base: string;
before(async () => {
  ctx = await createTestContext();
  org = await newOrg(ctx);
  base = await ctx.listen();
});
after(async () => ctx?.close());

function envelope(status: number, body: string, what: string) {
  assert.ok(status >= 400 && status < 500, `${what}: ${status} ${body.slice(0, 200)}`);
  const j = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
  assert.equal(typeof j.error?.code, 'string', `${what}: envelope ${body.slice(0, 200)}`);
  assert.equal(typeof j.error?.message, 'string', what);
  return j as { error: { code: string; message: string; details?: unknown } };
}

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

test('NUL in query values, path values and body strings is a 400 naming the field', async () => {
  for (const url of ['/v1/webhooks/inbound?status=%00', '/v1/content/items?q=a%00b', `/v1/connections/a%00b`]) {
    const r = await ctx.app.inject({ method: 'GET', url, headers: auth(org.key) });
    envelope(r.statusCode, r.body, url);
  }
  const r = await ctx.app.inject({
    method: 'POST',
    url: '/v1/connect-sessions',
    headers: auth(org.key),
    payload: { provider: 'wordpress', end_user_ref: 'a\u0000b' },
  });
  const e = envelope(r.statusCode, r.body, 'NUL body');
  assert.match(JSON.stringify(e.error), /end_user_ref/);
});

test('a cursor whose id or time does not parse is a 400 on every list route', async () => {
  const lists = [
    '/v1/api-keys',
    '/v1/connections',
    '/v1/webhooks/inbound',
    '/v1/webhook-endpoints',
    '/v1/dead-letters',
    '/v1/content/items',
    '/v1/conflicts',
    '/v1/publish',
    '/v1/ads/entities',
    '/v1/ads/metrics',
  ];
  const bad = [
    b64({ at: '2024-01-01T00:00:00Z', id: 'not-a-uuid' }),
    b64({ at: 'yesterday', id: '00000000-0000-4000-8000-000000000000' }),
    b64({ at: '+275760-09-13T00:00:00.000Z', id: 'x' }),
    b64({ at: '2024-01-01', id: 'a\u0000' }),
    b64('[]'),
    '%%%',
  ];
  for (const path of lists) {
    for (const cursor of bad) {
      const r = await ctx.app.inject({ method: 'GET', url: path, query: { cursor }, headers: auth(org.key) });
      if (r.statusCode === 404 && JSON.parse(r.body).error.code === 'route_not_found') continue;
      envelope(r.statusCode, r.body, `${path} ${cursor}`);
    }
  }
});

test('an ads object id that decodes to a non-UUID connection is a 404, not a 500', async () => {
  for (const id of [
    b64('not-a-uuid|campaign|1'),
    b64('------------------------------------|campaign|1'),
    b64('00000000-0000-4000-8000-000000000000|nonsense|1'),
    b64('00000000-0000-4000-8000-000000000000|campaign|a\u0000'),
  ]) {
    const r = await ctx.app.inject({
      method: 'PATCH',
      url: `/v1/ads/campaigns/${id}`,
      headers: auth(org.key),
      payload: { status: 'paused' },
    });
    envelope(r.statusCode, r.body, id);
  }
});

test('POST /webhooks/<cms>/<not-a-uuid> is a 404, unauthenticated', async () => {
  for (const cms of ['wordpress', 'drupal', 'joomla']) {
    for (const id of ['------------------------------------', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', 'x']) {
      const r = await ctx.app.inject({
        method: 'POST',
        url: `/webhooks/${cms}/${id}`,
        headers: { 'content-type': 'application/json' },
        payload: '{}',
      });
      envelope(r.statusCode, r.body, `${cms}/${id}`);
    }
  }
});

test('a correctly signed webhook body holding \\u0000 is stored (as U+FFFD), not a 500', async () => {
  const connectionId = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'wordpress',
    { kind: 'basic', username: 'u', password: 'p' } as never,
    { config: { siteUrl: 'https://blog.example' } },
  );
  const secret = await ctx.app.inject({
    method: 'POST',
    url: `/v1/connections/${connectionId}/webhook-secret`,
    headers: auth(org.key),
  });
  assert.ok(secret.statusCode < 300, secret.body);
  const raw = Buffer.from(
    '{"id":"e-nul-1","topic":"content.updated","object":{"type":"post","id":7,"title":"a\\u0000b"}}',
  );
  const wh = providers.wordpress.webhooks;
  assert.ok(wh.supported);
  const { headers, body } = schemeFor(wh.scheme).sign(
    { rawBody: raw, secret: secret.json().secret, nowMs: Date.now() },
    { signatureHeader: wh.signatureHeader, ...(wh.timestampHeader ? { timestampHeader: wh.timestampHeader } : {}) },
  );
  const r = await ctx.app.inject({
    method: 'POST',
    url: `/webhooks/wordpress/${connectionId}`,
    headers: { 'content-type': 'application/json', ...headers },
    payload: body,
  });
  assert.equal(r.statusCode, 200, r.body);
  const { rows } = await ctx.db.owner.query("select payload from webhook_inbox where dedupe_key = 'e-nul-1'");
  assert.equal(rows[0].payload.object.title, 'a\ufffdb');
});

test("Fastify's and Node's own errors use the envelope: 414, bad percent-encoding, content-length, 415, 431", async () => {
  const long = await fetch(`${base}/v1/connections/${'a'.repeat(400)}`, { headers: auth(org.key) });
  assert.equal(long.status, 414);
  envelope(400, await long.text(), '414');
  const pct = await fetch(`${base}/v1/connections/%zz`, { headers: auth(org.key) });
  envelope(pct.status, await pct.text(), 'percent');
  const media = await fetch(`${base}/v1/webhook-endpoints`, {
    method: 'POST',
    headers: { ...auth(org.key), 'content-type': 'text/xml' },
    body: '<a/>',
  });
  assert.equal(media.status, 415);
  envelope(media.status, await media.text(), '415');
  const cl = await ctx.app.inject({
    method: 'POST',
    url: '/v1/webhook-endpoints',
    headers: { ...auth(org.key), 'content-type': 'application/json', 'content-length': '5' },
    payload: '{"url":"https://example.com/xxxxxxxx"}',
  });
  envelope(cl.statusCode, cl.body, 'content-length');
  const huge = await fetch(`${base}/v1/connections?x=${'a'.repeat(100_000)}`, { headers: auth(org.key) });
  assert.equal(huge.status, 431);
  envelope(400, await huge.text(), '431');
  // A request line that is not HTTP at all.
  const raw = await new Promise<string>((resolve) => {
    const s = connect(Number(new URL(base).port), '127.0.0.1', () => s.write('GARBAGE\r\n\r\n'));
    let out = '';
    s.on('data', (d) => (out += d.toString()));
    s.on('close', () => resolve(out));
  });
  envelope(400, raw.slice(raw.indexOf('\r\n\r\n') + 4), 'bad request line');
});

test('an unknown body field is a 400 naming the field', async () => {
  const r = await ctx.app.inject({
    method: 'POST',
    url: '/v1/connect-sessions',
    headers: auth(org.key),
    payload: { provider: 'wordpress', bogus_field: 1 },
  });
  assert.equal(r.statusCode, 400, r.body);
  const e = envelope(r.statusCode, r.body, 'unknown field');
  assert.match(JSON.stringify(e.error), /bogus_field/);
});
