/**
 * The SDK against a real Plexus on loopback with the Google Ads sandbox: connect sessions,
 * campaign creates made safe by idempotency keys, cursor iteration, typed errors; and its
 * retries against a loopback server that answers 503/429 first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createPlexus, PlexusError, type Plexus } from '@plexus/sdk';
import type { GoogleAdsRunningSandbox } from '../../src/providers/google-ads/sandbox.ts';
import type { Customer } from '../../src/providers/google-ads/sandbox/world.ts';
import { adsWrites } from '../helpers/ads-writes.ts';
import { openGoogleAdsWrites } from '../helpers/google-ads-writes.ts';

let sb: GoogleAdsRunningSandbox;
let customer: Customer;
let plexus: Plexus;
const ads = adsWrites();

before(async () => {
  ({ sb, customer } = await openGoogleAdsWrites(ads, { seed: 53, size: 300, historyDays: 1 }));
  plexus = createPlexus({ apiKey: ads.org.key, baseUrl: await ads.ctx.listen() });
});
after(async () => {
  await ads.close();
  await sb.close();
});

test('SDK: connect — a connect session is created and read back; connections iterate with for await', async () => {
  const session = await plexus.connectSessions.create({ provider: 'google-ads', end_user_ref: 'user-1' });
  assert.match(session.url, /\/connect\//);
  assert.equal((await plexus.connectSessions.get(session.id)).status, 'pending');
  const ids: string[] = [];
  for await (const c of plexus.connections.list()) ids.push(c.id);
  assert.deepEqual(ids, [ads.conn]);
});

test('SDK: ads — the same idempotency key creates one campaign at the platform; creates carry a key by default', async () => {
  const body = { connection_id: ads.conn, account_id: customer.id, name: 'SDK launch', daily_budget_micros: '3000000' };
  const a = await plexus.ads.campaigns.create(body, { idempotencyKey: 'sdk-launch-1' });
  const b = await plexus.ads.campaigns.create(body, { idempotencyKey: 'sdk-launch-1' });
  assert.equal(a.id, b.id);
  assert.equal(sb.world().campaigns.filter((c) => c.name === 'SDK launch').length, 1);
  await plexus.ads.campaigns.create({ ...body, name: 'SDK default key' });
  const keys = await ads.ctx.db.owner.query(
    "select count(*)::int as n from idempotency_keys where org_id = $1 and route = '/v1/ads/campaigns'",
    [ads.org.id],
  );
  assert.equal(keys.rows[0].n, 2, 'the call without a key sent one of its own');
  const names: string[] = [];
  for await (const c of plexus.ads.campaigns.list({ connection_id: ads.conn, limit: 2 })) names.push(c.name ?? '');
  assert.ok(names.includes('SDK launch') && names.includes('SDK default key'));
  const paused = await plexus.ads.campaigns.pause(a.id);
  assert.equal(paused.status, 'paused');
});

test('SDK: errors are PlexusError with the API code', async () => {
  await assert.rejects(
    plexus.connections.get(randomUUID()),
    (err: unknown) => err instanceof PlexusError && err.code === 'not_found' && err.status === 404,
  );
  const reused = plexus.ads.campaigns.create(
    { connection_id: ads.conn, account_id: customer.id, name: 'Other body' },
    { idempotencyKey: 'sdk-launch-1' },
  );
  await assert.rejects(reused, (err: unknown) => err instanceof PlexusError && err.code === 'idempotency_key_reused');
});

test('SDK: 503 and 429 are retried, honouring Retry-After, with the same idempotency key on every attempt', async () => {
  const seen: { method: string; key: string | undefined }[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method!, key: req.headers['idempotency-key'] as string | undefined });
    if (seen.length === 1)
      return res
        .writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' })
        .end('{"error":{"code":"unavailable","message":"down"}}');
    if (seen.length === 2)
      return res
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' })
        .end('{"error":{"code":"rate_limited","message":"slow"}}');
    res
      .writeHead(201, { 'content-type': 'application/json' })
      .end(
        '{"id":"k1","name":"n","prefix":"plx_","created_at":"2026-01-01T00:00:00.000Z","last_used_at":null,"revoked_at":null,"key":"plx_x"}',
      );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const p = createPlexus({
      apiKey: 'plx_test',
      baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
      retryDelayMs: 10,
    });
    const created = await p.raw.POST('/v1/api-keys', { body: { name: 'n' } });
    assert.equal(created.response.status, 201);
    assert.equal(seen.length, 3);
    assert.ok(seen[0]!.key && seen.every((s) => s.key === seen[0]!.key));
    // Retries run out: the last answer's error comes back typed.
    seen.length = 0;
    const q = createPlexus({
      apiKey: 'plx_test',
      baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
      maxRetries: 0,
    });
    await assert.rejects(
      q.org.get(),
      (err: unknown) => err instanceof PlexusError && err.code === 'unavailable' && err.status === 503,
    );
  } finally {
    server.close();
  }
});
