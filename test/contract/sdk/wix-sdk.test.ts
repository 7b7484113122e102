import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiKeyStrategy, AppStrategy, createClient } from '@wix/sdk';
import { items } from '@wix/data';
import { draftPosts, posts } from '@wix/blog';
import { sandbox as wixSandbox, type WixRunningSandbox } from '../../../src/providers/wix/sandbox.ts';
import { scheme as jwtRs256 } from '../../../src/providers/kit/webhook-schemes/jwt-rs256.ts';
import { waitFor } from '../../helpers/wait.ts';

// @wix/sdk builds `https://www.wixapis.com/…` URLs but takes a `fetch`: this one sends them to
// the sandbox, path and query unchanged (docs/platforms/wix.md §SDK).
let sb: WixRunningSandbox;
let receiver: Server;
let receiverUrl: string;
const received: string[] = [];

const toSandbox = (): typeof fetch => async (input, init) => {
  const u = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  assert.equal(u.host, 'www.wixapis.com');
  return fetch(`${sb.url}${u.pathname}${u.search}`, init);
};

before(async () => {
  sb = await wixSandbox.start({ seed: 4, size: 20 });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push(body);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/wix`;
});
after(async () => {
  await new Promise((r) => receiver.close(r));
  await sb.close();
});

function apiClient() {
  return createClient({
    modules: { items, posts, draftPosts },
    auth: ApiKeyStrategy({ apiKey: sb.apiKey, siteId: sb.siteId }),
    fetch: toSandbox(),
  } as never) as unknown as {
    items: typeof items & Record<string, any>;
    posts: Record<string, any>;
    draftPosts: Record<string, any>;
  };
}

test('@wix/sdk with an API key: lists data items and blog posts, creates and updates a data item and a draft post on the Wix sandbox', async () => {
  const client = apiClient() as any;
  const page = await client.items.query(sb.dataCollectionId).limit(3).find();
  assert.ok(page.items.length > 0);
  const listed = await client.posts.listPosts({ paging: { limit: 2 } });
  assert.ok(Array.isArray(listed.posts) && listed.posts.length > 0, 'GET /v3/posts, the path the SDK uses');

  const inserted = await client.items.insert(sb.dataCollectionId, {
    title: 'SDK contract item',
    slug: 'sdk-contract-item',
    body: 'Hello.',
  });
  assert.ok(inserted._id);
  const updated = await client.items.update(sb.dataCollectionId, {
    _id: inserted._id,
    title: 'SDK contract item, renamed',
    slug: 'sdk-contract-item',
    body: 'Hello again.',
  });
  assert.equal(updated.title, 'SDK contract item, renamed');
  const read = await client.items.get(sb.dataCollectionId, inserted._id);
  assert.equal(read.body, 'Hello again.');

  const draft = await client.draftPosts.createDraftPost({ title: 'SDK draft', memberId: sb.memberId });
  const draftId = draft.draftPost._id ?? draft.draftPost.id;
  assert.ok(draftId);
  const renamed = await client.draftPosts.updateDraftPost(draftId, { title: 'SDK draft, renamed' });
  assert.equal(renamed.draftPost?.title ?? renamed.title, 'SDK draft, renamed');
});

test('@wix/sdk webhooks.process accepts what the sandbox signs; Plexus accepts a JWT made the way the helper verifies it', async () => {
  const subscribed = await fetch(`${sb.url}/__sandbox/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: receiverUrl, eventTypes: ['wix.data.v2.data_item_updated'] }),
  });
  assert.equal(subscribed.status, 200);
  const client = apiClient() as any;
  const first = (await client.items.query(sb.dataCollectionId).limit(1).find()).items[0];
  await client.items.update(sb.dataCollectionId, { ...first, title: 'Changed for the webhook' });
  const jwt = await waitFor(async () => received[0], 'a Wix webhook delivery');

  const app = createClient({ auth: AppStrategy({ appId: sb.appId, publicKey: sb.webhookPublicKey }) }) as any;
  const event = await app.webhooks.process(jwt);
  assert.equal(event.eventType, 'wix.data.v2.data_item_updated');
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
  const stranger = createClient({ auth: AppStrategy({ appId: sb.appId, publicKey: other }) }) as any;
  await assert.rejects(stranger.webhooks.process(jwt));

  // The helper's algorithm: an RS256 compact JWT whose `data` claim is a JSON string.
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const now = Math.floor(Date.now() / 1000);
  const data = JSON.stringify({
    eventType: 'wix.data.v2.data_item_updated',
    instanceId: sb.instanceId,
    data: JSON.stringify({ entityId: 'x1' }),
  });
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const signingInput = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ data, iat: now, exp: now + 600 })}`;
  const token = `${signingInput}.${sign('RSA-SHA256', Buffer.from(signingInput), keys.privateKey).toString('base64url')}`;
  const helper = createClient({ auth: AppStrategy({ appId: sb.appId, publicKey: publicPem }) }) as any;
  assert.equal((await helper.webhooks.process(token)).eventType, 'wix.data.v2.data_item_updated', 'the SDK accepts it');
  const verdict = jwtRs256.verify({
    rawBody: Buffer.from(token),
    headers: {},
    secret: publicPem,
    nowMs: Date.now(),
    signatureHeader: '',
  });
  assert.equal(verdict.ok, true);
  assert.equal(
    jwtRs256.verify({ rawBody: Buffer.from(token), headers: {}, secret: other, nowMs: Date.now(), signatureHeader: '' })
      .ok,
    false,
  );
});
