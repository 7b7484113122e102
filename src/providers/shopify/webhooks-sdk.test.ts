/**
 * Shopify's own webhook check (`@shopify/shopify-api`'s `webhooks.validate`, offline, with the
 * app secret) against both ends: what the sandbox signs and sends, the library accepts; what the
 * library's HMAC helper signs, Plexus's ingress accepts (and a wrong secret it refuses).
 */
import '@shopify/shopify-api/adapters/node';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { ApiVersion, shopifyApi } from '@shopify/shopify-api';
import { createSHA256HMAC, HashFormat } from '@shopify/shopify-api/runtime';
import { createTestContext, newOrg, type TestContext } from '../../../test/helpers/app.ts';
import { seedConnection } from '../../../test/helpers/connections.ts';
import { sandbox, type ShopifyRunningSandbox, type ShopifySandboxOptions } from './sandbox.ts';

const SECRET = 'shopify-app-secret-for-the-sdk-test';
const SHOP = 'sdk-shop.myshopify.com';

const library = shopifyApi({
  apiKey: 'sdk-client',
  apiSecretKey: SECRET,
  hostName: 'plexus.test',
  apiVersion: ApiVersion.October25,
  isEmbeddedApp: false,
  logger: { level: 0 },
});

let sb: ShopifyRunningSandbox;
let ctx: TestContext;
let base: string;

before(async () => {
  sb = await sandbox.start({
    seed: 3,
    size: 10,
    clientSecret: SECRET,
    webhookRetryDelaysMs: [],
  } as ShopifySandboxOptions);
  ctx = await createTestContext({
    env: { PLEXUS_SHOPIFY_CLIENT_ID: 'sdk-client', PLEXUS_SHOPIFY_CLIENT_SECRET: SECRET },
  });
  base = await ctx.listen();
  const org = await newOrg(ctx);
  await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'shopify',
    { kind: 'oauth2', accessToken: 'x' },
    { externalId: SHOP },
  );
});
after(async () => {
  await ctx.close();
  await sb.close();
});

/** A receiver that runs the library's validation on each real request it gets. */
async function validatingReceiver(): Promise<{
  url: string;
  results: { valid: boolean; topic?: string; reason?: string }[];
  close(): Promise<void>;
}> {
  const results: { valid: boolean; topic?: string; reason?: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      void library.webhooks.validate({ rawBody, rawRequest: req, rawResponse: res }).then((v) => {
        results.push(v.valid ? { valid: true, topic: v.topic } : { valid: false, reason: v.reason });
        res.writeHead(200).end();
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/hooks`, results, close: () => new Promise((r) => server.close(() => r())) };
}

test('what the sandbox signs and sends, @shopify/shopify-api validates (and a tampered copy it refuses)', async () => {
  const rx = await validatingReceiver();
  try {
    sb.webhooks.subscribe({ topic: 'products/update', address: rx.url, apiVersion: sb.version });
    const product = sb.data().of('product')[0]!;
    sb.remote.edit(String(product.id), { title: 'Signed by the sandbox' });
    await sb.webhooks.idle();
    assert.deepEqual(rx.results, [{ valid: true, topic: 'PRODUCTS_UPDATE' }]);
    const d = sb.webhooks.deliveries().at(-1)!;
    assert.equal(d.state, 'delivered');

    // The same headers over another body: the library refuses it.
    const sent = await fetch(rx.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'products/update',
        'x-shopify-shop-domain': sb.shopDomain,
        'x-shopify-api-version': sb.version,
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-hmac-sha256': await createSHA256HMAC('another-secret', '{}', HashFormat.Base64),
      },
      body: '{}',
    });
    assert.equal(sent.status, 200);
    assert.equal(rx.results.at(-1)?.valid, false);
  } finally {
    await rx.close();
  }
});

test("what the library's HMAC signs, Plexus's ingress accepts; the same with another secret is a 401", async () => {
  const body = JSON.stringify({
    id: 7,
    title: 'Signed by the library',
    admin_graphql_api_id: 'gid://shopify/Article/7',
  });
  const headers = (hmac: string) => ({
    'content-type': 'application/json',
    'x-shopify-topic': 'articles/update',
    'x-shopify-shop-domain': SHOP,
    'x-shopify-api-version': '2026-10',
    'x-shopify-webhook-id': randomUUID(),
    'x-shopify-hmac-sha256': hmac,
  });
  const good = await fetch(`${base}/webhooks/shopify`, {
    method: 'POST',
    headers: headers(await createSHA256HMAC(SECRET, body, HashFormat.Base64)),
    body,
  });
  assert.equal(good.status, 200, await good.text());
  const { rows } = await ctx.db.owner.query("select topic from webhook_inbox where provider = 'shopify'");
  assert.deepEqual(
    rows.map((r) => r.topic),
    ['articles/update'],
  );
  const bad = await fetch(`${base}/webhooks/shopify`, {
    method: 'POST',
    headers: headers(await createSHA256HMAC('not-the-secret', body, HashFormat.Base64)),
    body,
  });
  assert.equal(bad.status, 401);
  assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'webhook_signature_invalid');
});
