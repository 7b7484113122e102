import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { scheme } from '../../../webhooks/schemes/hmac-sha256-base64.ts';
import { receiver as httpReceiver, startSandbox, T0, type Received } from '../../../../test/helpers/sandbox-http.ts';
import { sandbox, type ShopifySandboxOptions } from '../sandbox.ts';

/** A subscriber that answers each request with the next status in `statuses` (the last one repeats). */
async function receiver(t: TestContext, statuses: number[] = [200]) {
  return httpReceiver(t, '/shopify/webhooks', statuses);
}

async function start(t: TestContext, opts: ShopifySandboxOptions = {}) {
  const { sb } = await startSandbox(t, sandbox, { seed: 4, size: 60, now: () => T0, autoConsent: true, webhookRetryDelaysMs: [0, 0, 0], ...opts });
  const token = sb.mintToken().access_token;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sb.apiUrl}${path}`, {
      method,
      headers: { 'x-shopify-access-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  return { sb, call };
}

/** What a connector does with a delivery: the scheme verifier, with the app secret. */
function verifies(r: Received, secret: string): boolean {
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  return scheme.verify({ rawBody: r.body, headers, secret, nowMs: T0, signatureHeader: 'x-shopify-hmac-sha256' }).ok;
}

test('subscription API round trip: create, list, count, get, update, delete; bad topic, duplicate, scope', async (t) => {
  const { sb, call } = await start(t);
  const created = await call('POST', '/webhooks.json', { webhook: { topic: 'products/update', address: 'https://example.test/hooks', format: 'json' } });
  assert.equal(created.status, 201);
  const w = created.body.webhook;
  assert.equal(w.topic, 'products/update');
  assert.equal(w.address, 'https://example.test/hooks');
  assert.equal(w.format, 'json');
  assert.equal(w.api_version, sb.version);
  assert.equal(typeof w.id, 'number');
  assert.deepEqual((await call('GET', '/webhooks.json')).body.webhooks.map((x: any) => x.id), [w.id]);
  assert.deepEqual((await call('GET', '/webhooks/count.json')).body, { count: 1 });
  assert.equal((await call('GET', '/webhooks.json?topic=app/uninstalled')).body.webhooks.length, 0);
  assert.equal((await call('GET', `/webhooks/${w.id}.json`)).body.webhook.address, 'https://example.test/hooks');
  const moved = await call('PUT', `/webhooks/${w.id}.json`, { webhook: { id: w.id, address: 'https://example.test/v2' } });
  assert.equal(moved.body.webhook.address, 'https://example.test/v2');

  const dup = await call('POST', '/webhooks.json', { webhook: { topic: 'products/update', address: 'https://example.test/v2' } });
  assert.equal(dup.status, 422);
  assert.deepEqual(dup.body.errors.address, ['for this topic has already been taken']);
  assert.equal((await call('POST', '/webhooks.json', { webhook: { topic: 'nope/never', address: 'https://example.test/x' } })).status, 422);
  assert.equal((await call('POST', '/webhooks.json', { webhook: { topic: 'pages/update', address: 'not a url' } })).status, 422);

  assert.deepEqual(await call('DELETE', `/webhooks/${w.id}.json`), { status: 200, body: {} });
  assert.equal((await call('GET', `/webhooks/${w.id}.json`)).status, 404);

  const narrow = sb.mintToken({ scopes: ['read_content'] }).access_token;
  const res = await fetch(`${sb.apiUrl}/webhooks.json`, { method: 'POST', headers: { 'x-shopify-access-token': narrow, 'content-type': 'application/json' }, body: JSON.stringify({ webhook: { topic: 'products/create', address: 'https://example.test/p' } }) });
  assert.equal(res.status, 403);
  assert.equal((await fetch(`${sb.apiUrl}/webhooks.json`)).status, 401);
});

test('a remote edit is delivered with the Shopify header set and a signature the connector verifies', async (t) => {
  const rx = await receiver(t);
  const { sb, call } = await start(t);
  await call('POST', '/webhooks.json', { webhook: { topic: 'products/update', address: rx.url } });
  await call('POST', '/webhooks.json', { webhook: { topic: 'pages/update', address: rx.url } });
  const product = sb.data().of('product')[0]!;
  sb.remote.edit(String(product.id), { title: 'Zürich Tee' });
  await sb.webhooks.idle();

  assert.equal(rx.got.length, 1);
  const r = rx.got[0]!;
  assert.equal(r.headers['x-shopify-topic'], 'products/update');
  assert.equal(r.headers['x-shopify-shop-domain'], 'plexus-sandbox.myshopify.com');
  assert.equal(r.headers['x-shopify-api-version'], sb.version);
  assert.equal(r.headers['x-shopify-triggered-at'], new Date(T0).toISOString());
  assert.match(String(r.headers['x-shopify-webhook-id']), /^[0-9a-f-]{36}$/);
  assert.equal(r.headers['content-type'], 'application/json');
  const payload = JSON.parse(r.body.toString('utf8'));
  assert.equal(payload.id, product.id);
  assert.equal(payload.title, 'Zürich Tee');
  assert.ok(verifies(r, sb.clientSecret));
  assert.ok(!verifies(r, 'another-secret'));
  // Independent check of the header: base64 HMAC-SHA256 of the bytes received.
  assert.equal(r.headers['x-shopify-hmac-sha256'], createHmac('sha256', sb.clientSecret).update(r.body).digest('base64'));
  assert.equal(sb.webhooks.deliveries()[0]?.state, 'delivered');
});

test('REST creates, updates and deletes send their topics; each delivery has its own webhook id', async (t) => {
  const rx = await receiver(t);
  const { sb, call } = await start(t);
  for (const topic of ['articles/create', 'articles/update', 'articles/delete', 'products/delete']) {
    await call('POST', '/webhooks.json', { webhook: { topic, address: rx.url } });
  }
  const blog = sb.data().of('blog')[0]!;
  const created = await call('POST', `/blogs/${blog.id}/articles.json`, { article: { title: 'Launch notes' } });
  const id = created.body.article.id;
  await call('PUT', `/blogs/${blog.id}/articles/${id}.json`, { article: { title: 'Launch notes, v2' } });
  await call('DELETE', `/blogs/${blog.id}/articles/${id}.json`);
  const product = sb.data().of('product')[0]!;
  sb.remote.delete(String(product.id));
  await sb.webhooks.idle();

  const byTopic = new Map(rx.got.map((g) => [String(g.headers['x-shopify-topic']), g]));
  assert.deepEqual([...byTopic.keys()].sort(), ['articles/create', 'articles/delete', 'articles/update', 'products/delete']);
  assert.equal(JSON.parse(byTopic.get('articles/update')!.body.toString()).title, 'Launch notes, v2');
  assert.deepEqual(JSON.parse(byTopic.get('articles/delete')!.body.toString()), { id });
  assert.deepEqual(JSON.parse(byTopic.get('products/delete')!.body.toString()), { id: product.id });
  assert.equal(new Set(rx.got.map((g) => g.headers['x-shopify-webhook-id'])).size, 4);
  assert.ok(rx.got.every((g) => verifies(g, sb.clientSecret)));
});

test('a failing receiver gets retries with the same webhook id and body; exhausting them drops the subscription', async (t) => {
  const rx = await receiver(t, [500]);
  const { sb, call } = await start(t);
  await call('POST', '/webhooks.json', { webhook: { topic: 'pages/create', address: rx.url } });
  sb.remote.create('page', { title: 'About us' });
  await sb.webhooks.idle();

  assert.equal(rx.got.length, 4);
  assert.equal(new Set(rx.got.map((g) => g.headers['x-shopify-webhook-id'])).size, 1);
  assert.equal(new Set(rx.got.map((g) => g.body.toString())).size, 1);
  const d = sb.webhooks.deliveries()[0]!;
  assert.equal(d.state, 'failed');
  assert.deepEqual(d.attempts.map((a) => a.status), [500, 500, 500, 500]);
  assert.deepEqual((await call('GET', '/webhooks/count.json')).body, { count: 0 });
});

test('a receiver that recovers gets the event on a retry', async (t) => {
  const rx = await receiver(t, [503, 200]);
  const { sb } = await start(t);
  sb.webhooks.subscribe({ topic: 'products/create', address: rx.url, apiVersion: sb.version });
  sb.remote.create('product', { title: 'Mug' });
  await sb.webhooks.idle();
  assert.equal(rx.got.length, 2);
  assert.equal(sb.webhooks.deliveries()[0]?.state, 'delivered');
  assert.ok(verifies(rx.got[1]!, sb.clientSecret));
});

test('uninstall sends app/uninstalled and removes the subscriptions; control endpoint emits on demand', async (t) => {
  const rx = await receiver(t);
  const { sb, call } = await start(t);
  await call('POST', '/webhooks.json', { webhook: { topic: 'app/uninstalled', address: rx.url } });
  await call('POST', '/webhooks.json', { webhook: { topic: 'bulk_operations/finish', address: rx.url } });
  const emitted = await fetch(`${sb.url}/__sandbox/webhooks/emit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ topic: 'bulk_operations/finish', payload: { admin_graphql_api_id: 'gid://shopify/BulkOperation/1', status: 'completed' } }) });
  assert.equal(emitted.status, 202);
  sb.remote.uninstall();
  await sb.webhooks.idle();
  assert.deepEqual(rx.got.map((g) => g.headers['x-shopify-topic']).sort(), ['app/uninstalled', 'bulk_operations/finish']);
  const uninstalled = rx.got.find((g) => g.headers['x-shopify-topic'] === 'app/uninstalled')!;
  assert.equal(JSON.parse(uninstalled.body.toString()).myshopify_domain, 'plexus-sandbox.myshopify.com');
  assert.deepEqual(sb.webhooks.subscriptions(), []);
});
