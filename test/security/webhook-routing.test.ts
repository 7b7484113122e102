/**
 * Inbound events are routed only by references the platform proved. A Wix app instance id
 * typed on the connect page is checked with Wix (the app's client-credentials token for that
 * instance, then the App Instance API must name the same site the API key reached); an id
 * Wix does not place on that site is refused and nothing routes to it. And a platform with an
 * app-wide secret is never routed by a connection id in the path.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { loadSandbox } from '../../src/providers/registry.ts';
import type { RunningSandbox } from '../../src/sandbox/kit/types.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { open, submit } from '../helpers/browser.ts';
import { seedConnection } from '../helpers/connections.ts';

type Sb = RunningSandbox & Record<string, any>;
let wix: Sb;
let ctx: TestContext;
let base: string;
const SHOPIFY_SECRET = 'shopify-app-secret-0123456789abcdef';

before(async () => {
  wix = (await (await loadSandbox('wix')).start({ seed: 5, size: 5 })) as Sb;
  ctx = await createTestContext({
    env: {
      PLEXUS_WIX_BASE_URL: wix.url,
      PLEXUS_WIX_CLIENT_ID: wix.appId,
      PLEXUS_WIX_CLIENT_SECRET: wix.appSecret,
      PLEXUS_SHOPIFY_CLIENT_ID: 'shop-app',
      PLEXUS_SHOPIFY_CLIENT_SECRET: SHOPIFY_SECRET,
    },
  });
  base = await ctx.listen();
});
after(async () => {
  await ctx?.close();
  await wix?.close();
});

async function connectWix(org: { key: string }, form: Record<string, string>) {
  const created = await fetch(`${base}/v1/connect-sessions`, {
    method: 'POST',
    headers: { ...auth(org.key), 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'wix' }),
  });
  assert.equal(created.status, 201);
  return submit(await open(((await created.json()) as { url: string }).url), form);
}

test('a typed Wix instance id that Wix does not place on the site is refused; nothing routes to it', async () => {
  const victimInstance = `instance-of-another-org-${randomUUID()}`;
  const attacker = await newOrg(ctx, 'attacker');
  const page = await connectWix(attacker, { siteId: wix.siteId, apiKey: wix.apiKey, instanceId: victimInstance });
  assert.equal(page.status, 422, page.html.slice(0, 300));
  assert.match(page.html, /app instance/i);
  const { rows } = await ctx.db.owner.query('select count(*)::int as n from connections where $1 = any(account_refs)', [
    victimInstance,
  ]);
  assert.equal(rows[0].n, 0);
});

test('the instance id Wix confirms for the site is stored as a routing reference', async () => {
  const owner = await newOrg(ctx, 'owner');
  const page = await connectWix(owner, { siteId: wix.siteId, apiKey: wix.apiKey, instanceId: wix.instanceId });
  assert.equal(page.status, 200, page.html.slice(0, 300));
  const { rows } = await ctx.db.owner.query('select account_refs from connections where org_id = $1', [owner.id]);
  assert.ok(rows[0].account_refs.includes(wix.instanceId));
});

test('POST /webhooks/<app-secret platform>/<connectionId> does not route by the path', async () => {
  const org = await newOrg(ctx, 'shop');
  const connectionId = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'shopify',
    { kind: 'oauth2', accessToken: 't' } as never,
    { config: { shop: 'victim' } },
  );
  const raw = JSON.stringify({ id: 1, title: 'forged' });
  const r = await ctx.app.inject({
    method: 'POST',
    url: `/webhooks/shopify/${connectionId}`,
    headers: {
      'content-type': 'application/json',
      'x-shopify-hmac-sha256': createHmac('sha256', SHOPIFY_SECRET).update(raw).digest('base64'),
      'x-shopify-topic': 'articles/update',
      'x-shopify-shop-domain': 'attacker.myshopify.com',
      'x-shopify-webhook-id': randomUUID(),
    },
    payload: raw,
  });
  assert.equal(r.statusCode, 404, r.body);
  assert.equal(r.json().error.code, 'route_not_found');
  const { rows } = await ctx.db.owner.query('select count(*)::int as n from webhook_inbox where connection_id = $1', [
    connectionId,
  ]);
  assert.equal(rows[0].n, 0);
});
