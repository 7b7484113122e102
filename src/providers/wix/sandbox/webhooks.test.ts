import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createVerify } from 'node:crypto';
import { scheme } from '../../kit/webhook-schemes/jwt-rs256.ts';
import { receiver as httpReceiver, startSandbox, T0, type Received } from '../../../../test/helpers/sandbox-http.ts';
import { sandbox, type WixSandboxOptions } from '../sandbox.ts';

async function receiver(t: TestContext, statuses: number[] = [200]) {
  return httpReceiver(t, '/wix', statuses);
}

async function start(t: TestContext, extra: WixSandboxOptions = {}) {
  const opts: WixSandboxOptions = { seed: 6, size: 30, webhookRetryDelaysMs: [0, 0], ...extra };
  return startSandbox(t, sandbox, opts);
}

/** What a connector does: verify the JWT body with the app's public key, then unwrap the nested JSON strings. */
function open(r: Received, publicKey: string, nowMs = T0) {
  const v = scheme.verify({ rawBody: r.body, headers: {}, secret: publicKey, nowMs, signatureHeader: '' });
  if (!v.ok || !v.payload) return { ok: false as const, result: v };
  const outer = JSON.parse(v.payload.toString('utf8'));
  return { ok: true as const, outer, event: JSON.parse(outer.data), identity: JSON.parse(outer.identity) };
}

test('data item changes through the API arrive as RS256 JWTs that verify with the public key', async (t) => {
  const rx = await receiver(t);
  const { sb } = await start(t);
  sb.webhooks.subscribe(rx.url, [
    'wix.data.v2.data_item_created',
    'wix.data.v2.data_item_updated',
    'wix.data.v2.data_item_deleted',
  ]);
  const h = { ...sb.apiKeyHeaders(), 'content-type': 'application/json' };
  const made = await fetch(`${sb.url}/wix-data/v2/items`, {
    method: 'POST',
    headers: h,
    body: JSON.stringify({ dataCollectionId: sb.dataCollectionId, dataItem: { data: { title: 'Zürich' } } }),
  });
  const id = ((await made.json()) as any).dataItem.id as string;
  await fetch(`${sb.url}/wix-data/v2/items/${id}`, {
    method: 'PATCH',
    headers: h,
    body: JSON.stringify({ dataCollectionId: sb.dataCollectionId, dataItem: { data: { title: 'Zürich 2' } } }),
  });
  await fetch(`${sb.url}/wix-data/v2/items/${id}?dataCollectionId=${sb.dataCollectionId}`, {
    method: 'DELETE',
    headers: sb.apiKeyHeaders(),
  });
  await sb.webhooks.idle();

  assert.equal(rx.got.length, 3);
  const opened = rx.got.map((g) => open(g, sb.webhookPublicKey));
  assert.ok(opened.every((o) => o.ok));
  const byType = new Map(opened.map((o) => [o.ok ? o.outer.eventType : '', o]));
  const created = byType.get('wix.data.v2.data_item_created');
  assert.ok(created?.ok);
  assert.equal(created.outer.instanceId, sb.instanceId);
  assert.equal(created.event.entityFqdn, 'wix.data.v2.data_item');
  assert.equal(created.event.slug, 'created');
  assert.equal(created.event.entityId, id);
  assert.equal(created.event.createdEvent.entity.data.title, 'Zürich');
  assert.equal(created.identity.identityType, 'APP');
  const updated = byType.get('wix.data.v2.data_item_updated');
  assert.ok(updated?.ok);
  assert.equal(updated.event.updatedEvent.currentEntity.data.title, 'Zürich 2');
  assert.ok(byType.get('wix.data.v2.data_item_deleted')?.ok);
  assert.equal(new Set(opened.map((o) => (o.ok ? o.event.id : ''))).size, 3);
  assert.match(String(rx.got[0]!.headers['content-type']), /^text\/plain/);

  // Independent check: the JWT signature with node:crypto directly, and the alg in its header.
  const [head, claims, sig] = rx.got[0]!.body.toString().split('.');
  assert.equal(JSON.parse(Buffer.from(head!, 'base64url').toString()).alg, 'RS256');
  assert.ok(
    createVerify('RSA-SHA256').update(`${head}.${claims}`).verify(sb.webhookPublicKey, Buffer.from(sig!, 'base64url')),
  );
  assert.equal(typeof JSON.parse(Buffer.from(claims!, 'base64url').toString()).data, 'string');
});

test('a stranger key or a late clock does not verify', async (t) => {
  const rx = await receiver(t);
  const { sb } = await start(t);
  const other = await sandbox.start({ seed: 7, size: 1 });
  t.after(() => other.close());
  sb.webhooks.subscribe(rx.url);
  sb.remote.createItem({ title: 'x' });
  await sb.webhooks.idle();
  assert.deepEqual(open(rx.got[0]!, other.webhookPublicKey).result, { ok: false, reason: 'bad_signature' });
  assert.deepEqual(open(rx.got[0]!, sb.webhookPublicKey, T0 + 3_600_000).result, {
    ok: false,
    reason: 'stale_timestamp',
  });
});

test('remote edits and publishing send events with the editor identity; start option subscribes', async (t) => {
  const rx = await receiver(t);
  const { sb } = await start(t, { webhookUrl: rx.url });
  assert.equal(sb.webhooks.subscriptions().length, 6);
  const draft = [...sb.data().drafts.values()].find((d) => d.published === null)!;
  sb.remote.publish(draft.id);
  sb.remote.publish(draft.id);
  sb.remote.delete(draft.id);
  const item = [...sb.data().items.get(sb.dataCollectionId)!.keys()][0]!;
  sb.remote.edit(item, { title: 'edited' });
  await sb.webhooks.idle();
  const types = rx.got
    .map((g) => open(g, sb.webhookPublicKey))
    .map((o) => (o.ok ? `${o.outer.eventType}:${o.identity.identityType}` : 'bad'));
  assert.deepEqual(types.sort(), [
    'wix.blog.v3.post_created:WIX_USER',
    'wix.blog.v3.post_deleted:WIX_USER',
    'wix.blog.v3.post_updated:WIX_USER',
    'wix.data.v2.data_item_updated:WIX_USER',
  ]);
});

test('a failing receiver gets retries of the same token; the control endpoint subscribes and emits', async (t) => {
  const rx = await receiver(t, [500]);
  const { sb } = await start(t);
  const sub = await fetch(`${sb.url}/__sandbox/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url: rx.url, eventTypes: ['wix.blog.v3.post_updated'] }),
  });
  assert.equal(sub.status, 200);
  assert.equal(((await sub.json()) as any).publicKey, sb.webhookPublicKey);
  const emitted = await fetch(`${sb.url}/__sandbox/webhooks/emit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ eventType: 'wix.blog.v3.post_updated', entityId: 'p1', entity: { id: 'p1', title: 'T' } }),
  });
  assert.equal(emitted.status, 202);
  const notSubscribed = await fetch(`${sb.url}/__sandbox/webhooks/emit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ eventType: 'wix.blog.v3.post_created' }),
  });
  assert.equal(notSubscribed.status, 409);
  await sb.webhooks.idle();
  assert.equal(rx.got.length, 3);
  assert.equal(new Set(rx.got.map((g) => g.body.toString())).size, 1);
  const d = sb.webhooks.deliveries()[0]!;
  assert.equal(d.state, 'failed');
  assert.deepEqual(
    d.attempts.map((a) => a.status),
    [500, 500, 500],
  );
});
