import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebflowClient } from 'webflow-api';
import { webflowProvider } from '../../../src/providers/webflow/index.ts';
import { sandbox as webflowSandbox, type WebflowRunningSandbox } from '../../../src/providers/webflow/sandbox.ts';
import { scheme as timestamped } from '../../../src/providers/kit/webhook-schemes/hmac-sha256-hex-timestamped.ts';
import { waitFor } from '../../helpers/wait.ts';

// webflow-api takes its API origin as `environment` (docs/platforms/webflow.md §SDK); its
// `getAccessToken` and `authorizeURL` are static with hard-coded hosts, so the OAuth leg is
// driven over HTTP here and the SDK gets the token the way an app would hand it over.
let sb: WebflowRunningSandbox;
let receiver: Server;
let receiverUrl: string;
const received: { headers: Record<string, string>; raw: Buffer }[] = [];
const REDIRECT = 'https://plexus.test/oauth/callback/webflow';

before(async () => {
  sb = await webflowSandbox.start({ seed: 9, size: 30, autoConsent: true });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        raw: Buffer.concat(chunks),
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/webflow`;
});
after(async () => {
  await new Promise((r) => receiver.close(r));
  await sb.close();
});

async function oauthToken(): Promise<string> {
  const authorize = new URL(
    WebflowClient.authorizeURL({
      clientId: sb.clientId,
      state: 'st-1',
      redirectUri: REDIRECT,
      scope: [...(webflowProvider.auth.defaultScopes as readonly string[])] as never,
    }),
  );
  const consent = await fetch(`${sb.url}${authorize.pathname}${authorize.search}`, { redirect: 'manual' });
  const code = new URL(consent.headers.get('location') ?? '').searchParams.get('code')!;
  const tok = await fetch(sb.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: sb.clientId,
      client_secret: sb.clientSecret,
      code,
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT,
    }),
  });
  assert.equal(tok.status, 200);
  return ((await tok.json()) as { access_token: string }).access_token;
}

test('webflow-api: authenticated with an OAuth token, it lists sites and items, creates and updates an item on the Webflow sandbox', async () => {
  const client = new WebflowClient({
    accessToken: await oauthToken(),
    environment: { base: sb.apiUrl, dataApi: sb.apiUrl, contentDeliveryApi: sb.apiUrl },
  });
  const sites = await client.sites.list();
  assert.equal(sites.sites?.[0]?.id, sb.siteId);
  const collectionId = sb.collectionIds[0]!;
  const listed = await client.collections.items.listItems(collectionId, { limit: 5 });
  assert.ok((listed.items?.length ?? 0) > 0);
  const created = await client.collections.items.createItem(collectionId, {
    isDraft: false,
    isArchived: false,
    fieldData: { name: 'SDK contract item', slug: 'sdk-contract-item' },
  });
  assert.ok(created.id);
  assert.equal((created.fieldData as { name?: string }).name, 'SDK contract item');
  const updated = await client.collections.items.updateItem(collectionId, created.id, {
    fieldData: { name: 'SDK contract item, renamed', slug: 'sdk-contract-item' },
  });
  assert.equal((updated.fieldData as { name?: string }).name, 'SDK contract item, renamed');
  const read = await client.collections.items.getItem(collectionId, created.id);
  assert.equal((read.fieldData as { name?: string }).name, 'SDK contract item, renamed');
});

test('webflow-api verifySignature accepts what the sandbox signs, and Plexus accepts what the SDK algorithm signs', async () => {
  const client = new WebflowClient({
    accessToken: await oauthToken(),
    environment: { base: sb.apiUrl, dataApi: sb.apiUrl, contentDeliveryApi: sb.apiUrl },
  });
  await client.webhooks.create(sb.siteId, { triggerType: 'collection_item_changed', url: receiverUrl } as never);
  const collectionId = sb.collectionIds[0]!;
  const item = (await client.collections.items.listItems(collectionId, { limit: 1 })).items![0]!;
  await client.collections.items.updateItem(collectionId, item.id!, {
    fieldData: { name: 'Changed for the webhook', slug: (item.fieldData as { slug: string }).slug },
  });
  await waitFor(async () => received.length > 0, 'a signed webhook delivery');
  const delivery = received[0]!;
  // Sandbox → SDK helper (fed the exact bytes received).
  assert.equal(
    await client.webhooks.verifySignature({
      headers: delivery.headers,
      body: delivery.raw.toString('utf8'),
      secret: sb.clientSecret,
    }),
    true,
  );
  assert.equal(
    await client.webhooks.verifySignature({
      headers: delivery.headers,
      body: delivery.raw.toString('utf8'),
      secret: 'another-secret',
    }),
    false,
  );

  // SDK algorithm → Plexus: hex HMAC of `<ms timestamp>:<body>` with the client secret, as the helper computes it.
  const body = JSON.stringify({ triggerType: 'collection_item_changed', payload: { id: item.id } });
  const ts = String(Date.now());
  const headers = {
    'x-webflow-timestamp': ts,
    'x-webflow-signature': createHmac('sha256', sb.clientSecret).update(`${ts}:${body}`).digest('hex'),
  };
  assert.equal(
    await client.webhooks.verifySignature({ headers, body, secret: sb.clientSecret }),
    true,
    'the SDK agrees this is its own signature',
  );
  const wh = webflowProvider.webhooks;
  assert.ok(wh.supported);
  const verify = (h: Record<string, string>, nowMs: number) =>
    timestamped.verify({
      rawBody: Buffer.from(body),
      headers: h,
      secret: sb.clientSecret,
      nowMs,
      signatureHeader: wh.signatureHeader,
      ...(wh.timestampHeader ? { timestampHeader: wh.timestampHeader } : {}),
    });
  assert.deepEqual(verify(headers, Number(ts)), { ok: true });
  assert.deepEqual(
    verify(
      {
        ...headers,
        'x-webflow-signature': headers['x-webflow-signature'].replace(/^./, (c) => (c === '0' ? '1' : '0')),
      },
      Number(ts),
    ),
    { ok: false, reason: 'bad_signature' },
  );
  // The SDK skips the age check; Plexus does not.
  assert.deepEqual(verify(headers, Number(ts) + 6 * 60_000), { ok: false, reason: 'stale_timestamp' });
});
