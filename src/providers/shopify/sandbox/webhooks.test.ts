import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { scheme } from '../../kit/webhook-schemes/hmac-sha256-base64.ts';
import { call, jsonPost, receiver, startSandbox, T0, type Received } from '../../../../test/helpers/sandbox-http.ts';
import { verifyDelivery } from '../../../../test/helpers/webhook-verify.ts';
import { sandbox, type ShopifySandboxOptions } from '../sandbox.ts';

/** A subscriber that answers each request with the next status in `statuses` (the last one repeats). */
async function start(t: TestContext, opts: ShopifySandboxOptions = {}) {
  const { sb } = await startSandbox(t, sandbox, {
    seed: 4,
    size: 60,
    now: () => T0,
    autoConsent: true,
    webhookRetryDelaysMs: [0, 0, 0],
    ...opts,
  });
  const token = sb.mintToken().access_token;
  const gql = (query: string, variables: Record<string, unknown> = {}, as = token) =>
    call(sb.graphqlUrl, jsonPost({ query, variables }, { 'x-shopify-access-token': as }));
  /** webhookSubscriptionCreate, as Plexus sends it. */
  const subscribe = async (topic: string, uri: string, as = token) =>
    gql(
      'mutation($t: WebhookSubscriptionTopic!, $s: WebhookSubscriptionInput!) { webhookSubscriptionCreate(topic: $t, webhookSubscription: $s) { webhookSubscription { id topic uri format apiVersion { handle } } userErrors { field message } } }',
      { t: topic, s: { uri, format: 'JSON' } },
      as,
    );
  return { sb, gql, subscribe };
}

/** What a connector does with a delivery: the scheme verifier, with the app secret. */
function verifies(r: Received, secret: string): boolean {
  return verifyDelivery(scheme, r, { secret, nowMs: T0, signatureHeader: 'x-shopify-hmac-sha256' }).ok;
}

test('subscription API round trip: create, list, get, update, delete; bad topic, bad uri, duplicate, scope', async (t) => {
  const { sb, gql, subscribe } = await start(t);
  const created = await subscribe('PRODUCTS_UPDATE', 'https://example.test/hooks');
  const w = created.body.data.webhookSubscriptionCreate.webhookSubscription;
  assert.deepEqual(
    { ...w, id: undefined },
    {
      id: undefined,
      topic: 'PRODUCTS_UPDATE',
      uri: 'https://example.test/hooks',
      format: 'JSON',
      apiVersion: { handle: sb.version },
    },
  );
  assert.match(w.id, /^gid:\/\/shopify\/WebhookSubscription\/\d+$/);
  const list = async (topics?: string[]) =>
    (
      await gql(
        'query($t: [WebhookSubscriptionTopic!]) { webhookSubscriptions(first: 10, topics: $t) { nodes { id uri } } }',
        topics ? { t: topics } : {},
      )
    ).body.data.webhookSubscriptions.nodes;
  assert.deepEqual(
    (await list()).map((x: any) => x.id),
    [w.id],
  );
  assert.equal((await list(['APP_UNINSTALLED'])).length, 0);
  assert.equal(
    (await gql('query($id: ID!) { webhookSubscription(id: $id) { uri } }', { id: w.id })).body.data.webhookSubscription
      .uri,
    'https://example.test/hooks',
  );
  const moved = await gql(
    'mutation($id: ID!) { webhookSubscriptionUpdate(id: $id, webhookSubscription: { uri: "https://example.test/v2" }) { webhookSubscription { uri } userErrors { message } } }',
    { id: w.id },
  );
  assert.equal(moved.body.data.webhookSubscriptionUpdate.webhookSubscription.uri, 'https://example.test/v2');

  const dup = await subscribe('PRODUCTS_UPDATE', 'https://example.test/v2');
  assert.equal(dup.body.data.webhookSubscriptionCreate.webhookSubscription, null);
  assert.match(dup.body.data.webhookSubscriptionCreate.userErrors[0].message, /already been taken/);
  assert.match((await subscribe('NOPE_NEVER', 'https://example.test/x')).body.errors[0].message, /NOPE_NEVER/);
  assert.equal(
    (await subscribe('PAGES_UPDATE', 'not a url')).body.data.webhookSubscriptionCreate.userErrors[0].message,
    'Address is invalid',
  );

  const del =
    'mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { message } } }';
  assert.equal((await gql(del, { id: w.id })).body.data.webhookSubscriptionDelete.deletedWebhookSubscriptionId, w.id);
  assert.equal(
    (await gql('query($id: ID!) { webhookSubscription(id: $id) { uri } }', { id: w.id })).body.data.webhookSubscription,
    null,
  );

  const narrow = sb.mintToken({ scopes: ['read_content'] }).access_token;
  assert.equal(
    (await subscribe('PRODUCTS_CREATE', 'https://example.test/p', narrow)).body.errors[0].extensions.code,
    'ACCESS_DENIED',
  );
  assert.equal((await call(sb.graphqlUrl, jsonPost({ query: '{ shop { id } }' }))).status, 401);
});

test('a remote edit is delivered with the Shopify header set and a signature the connector verifies', async (t) => {
  const rx = await receiver(t, '/shopify/webhooks');
  const { sb, subscribe } = await start(t);
  await subscribe('PRODUCTS_UPDATE', rx.url);
  await subscribe('PAGES_UPDATE', rx.url);
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
  assert.equal(
    r.headers['x-shopify-hmac-sha256'],
    createHmac('sha256', sb.clientSecret).update(r.body).digest('base64'),
  );
  assert.equal(sb.webhooks.deliveries()[0]?.state, 'delivered');
});

test('GraphQL creates, updates and deletes send their topics in the REST payload shape; each delivery has its own webhook id', async (t) => {
  const rx = await receiver(t, '/shopify/webhooks');
  const { sb, gql, subscribe } = await start(t);
  for (const topic of ['ARTICLES_CREATE', 'ARTICLES_UPDATE', 'ARTICLES_DELETE', 'PRODUCTS_DELETE'])
    await subscribe(topic, rx.url);
  const created = await gql(
    'mutation { articleCreate(article: { title: "Launch notes", author: { name: "Ana" } }) { article { id } } }',
  );
  const gid = created.body.data.articleCreate.article.id;
  const id = Number(gid.split('/').at(-1));
  await gql(
    'mutation($id: ID!) { articleUpdate(id: $id, article: { title: "Launch notes, v2" }) { article { id } } }',
    { id: gid },
  );
  await gql('mutation($id: ID!) { articleDelete(id: $id) { deletedArticleId } }', { id: gid });
  const product = sb.data().of('product')[0]!;
  sb.remote.delete(String(product.id));
  await sb.webhooks.idle();

  const byTopic = new Map(rx.got.map((g) => [String(g.headers['x-shopify-topic']), g]));
  assert.deepEqual([...byTopic.keys()].sort(), [
    'articles/create',
    'articles/delete',
    'articles/update',
    'products/delete',
  ]);
  const updated = JSON.parse(byTopic.get('articles/update')!.body.toString());
  assert.equal(updated.title, 'Launch notes, v2');
  assert.equal(updated.admin_graphql_api_id, gid);
  assert.deepEqual(JSON.parse(byTopic.get('articles/delete')!.body.toString()), { id });
  assert.deepEqual(JSON.parse(byTopic.get('products/delete')!.body.toString()), { id: product.id });
  assert.equal(new Set(rx.got.map((g) => g.headers['x-shopify-webhook-id'])).size, 4);
  assert.ok(rx.got.every((g) => verifies(g, sb.clientSecret)));
});

test('a failing receiver gets retries with the same webhook id and body; exhausting them drops the subscription', async (t) => {
  const rx = await receiver(t, '/shopify/webhooks', [500]);
  const { sb, gql, subscribe } = await start(t);
  await subscribe('PAGES_CREATE', rx.url);
  sb.remote.create('page', { title: 'About us' });
  await sb.webhooks.idle();

  assert.equal(rx.got.length, 4);
  assert.equal(new Set(rx.got.map((g) => g.headers['x-shopify-webhook-id'])).size, 1);
  assert.equal(new Set(rx.got.map((g) => g.body.toString())).size, 1);
  const d = sb.webhooks.deliveries()[0]!;
  assert.equal(d.state, 'failed');
  assert.deepEqual(
    d.attempts.map((a) => a.status),
    [500, 500, 500, 500],
  );
  assert.equal(
    (await gql('{ webhookSubscriptions(first: 5) { nodes { id } } }')).body.data.webhookSubscriptions.nodes.length,
    0,
  );
});

test('a receiver that recovers gets the event on a retry', async (t) => {
  const rx = await receiver(t, '/shopify/webhooks', [503, 200]);
  const { sb } = await start(t);
  sb.webhooks.subscribe({ topic: 'products/create', address: rx.url, apiVersion: sb.version });
  sb.remote.create('product', { title: 'Mug' });
  await sb.webhooks.idle();
  assert.equal(rx.got.length, 2);
  assert.equal(sb.webhooks.deliveries()[0]?.state, 'delivered');
  assert.ok(verifies(rx.got[1]!, sb.clientSecret));
});

test('uninstall sends app/uninstalled and removes the subscriptions; control endpoint emits on demand', async (t) => {
  const rx = await receiver(t, '/shopify/webhooks');
  const { sb, subscribe } = await start(t);
  await subscribe('APP_UNINSTALLED', rx.url);
  await subscribe('BULK_OPERATIONS_FINISH', rx.url);
  const emitted = await fetch(`${sb.url}/__sandbox/webhooks/emit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      topic: 'bulk_operations/finish',
      payload: { admin_graphql_api_id: 'gid://shopify/BulkOperation/1', status: 'completed' },
    }),
  });
  assert.equal(emitted.status, 202);
  sb.remote.uninstall();
  await sb.webhooks.idle();
  assert.deepEqual(rx.got.map((g) => g.headers['x-shopify-topic']).sort(), [
    'app/uninstalled',
    'bulk_operations/finish',
  ]);
  const uninstalled = rx.got.find((g) => g.headers['x-shopify-topic'] === 'app/uninstalled')!;
  assert.equal(JSON.parse(uninstalled.body.toString()).myshopify_domain, 'plexus-sandbox.myshopify.com');
  assert.deepEqual(sb.webhooks.subscriptions(), []);
});
