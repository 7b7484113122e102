/**
 * The SDK against a real Plexus (listening on loopback) with a worker and a WordPress sandbox:
 * publish, conflicts, and outbound webhooks verified with `verifyWebhook`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { createPlexus, verifyWebhook, type Plexus, type WebhookEvent } from '@plexus/sdk';
import { wordpressFixture } from '../fixtures/cms/wordpress.ts';
import { contentHub } from '../helpers/content-hub.ts';
import { waitFor } from '../helpers/wait.ts';

const hub = contentHub(wordpressFixture);
const stamp = Date.now().toString(36);
let plexus: Plexus;
const sdk = async () => (plexus ??= createPlexus({ apiKey: hub.org.key, baseUrl: await hub.ctx.listen() }));

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

test('SDK: webhooks out — an endpoint is created, its test event arrives and verifyWebhook returns the typed event; a forged one is refused', async () => {
  const p = await sdk();
  const received: { body: string; headers: IncomingMessage['headers'] }[] = [];
  const receiver = createServer((req, res) => {
    // A request listener returns nothing: the answer goes out once the body is read (readBody never rejects).
    void readBody(req).then((body) => {
      received.push({ body, headers: req.headers });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  try {
    const port = (receiver.address() as { port: number }).port;
    const endpoint = await p.webhookEndpoints.create({ url: `http://127.0.0.1:${port}/hooks` });
    assert.match(endpoint.secret, /^whsec_/);
    await p.webhookEndpoints.test(endpoint.id);
    const got = await waitFor(async () => received[0], 'the test webhook', 60_000);
    const event: WebhookEvent = verifyWebhook(got.body, got.headers, endpoint.secret);
    assert.equal(event.type, 'webhook.test');
    if (event.type === 'webhook.test') assert.equal(event.data.endpoint_id, endpoint.id);
    assert.throws(() => verifyWebhook(got.body.replace('test', 'tost'), got.headers, endpoint.secret));
    assert.throws(() => verifyWebhook(got.body, got.headers, 'whsec_' + Buffer.alloc(24, 1).toString('base64')));
    const deliveries = [];
    for await (const d of p.webhookEndpoints.deliveries(endpoint.id)) deliveries.push(d);
    assert.equal(deliveries.length, 1);
  } finally {
    receiver.close();
  }
});

test('SDK: publish and conflicts — an item published through the SDK, an overlapping edit raised and resolved', async () => {
  const p = await sdk();
  const item = await p.content.upsert({
    external_id: `sdk-${stamp}`,
    kind: hub.site.kind,
    title: 'SDK story',
    slug: `sdk-story-${stamp}`,
    body_html: '<p>Written through the SDK.</p>',
    status: 'published',
  });
  const batch = await p.publish.create({ item_ids: [item.id], connection_ids: [hub.conn] });
  const done = await waitFor(
    async () => {
      const b = await p.publish.get(batch.id);
      return b.status === 'completed' || b.status === 'completed_with_errors' ? b : null;
    },
    'the batch',
    60_000,
  );
  assert.equal(done.status, 'completed');
  const remoteId = (await p.content.get(item.id)).targets!.find((t) => t.connection_id === hub.conn)!.remote_id!;
  await hub.nextSecond();
  await hub.site.site.edit(hub.site.kind, remoteId, { title: 'Title from the site' });
  await p.content.update(item.id, { title: 'Title from the hub' });
  await hub.idle();
  await hub.sync();
  const open = [];
  for await (const c of p.conflicts.list({ status: 'open', item_id: item.id })) open.push(c);
  assert.equal(open.length, 1);
  assert.deepEqual(open[0]!.fields, [
    { field: 'title', base: 'SDK story', hub: 'Title from the hub', remote: 'Title from the site' },
  ]);
  const resolved = await p.conflicts.resolve(open[0]!.id, { values: { title: 'Agreed title' } });
  assert.equal(resolved.status, 'resolved');
  await waitFor(
    async () => (await hub.site.site.get(hub.site.kind, remoteId))?.title === 'Agreed title',
    'the resolution on the site',
    60_000,
  );
  // A resolved conflict stays resolved: the SDK throws the API's typed error.
  await assert.rejects(
    p.conflicts.resolve(open[0]!.id, { strategy: 'hub_wins' }),
    (err: { code?: string; status?: number }) => err.status === 409 && typeof err.code === 'string',
  );
});
