import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { scheme } from '../../kit/webhook-schemes/hmac-sha256-hex-timestamp-pairs.ts';
import { receiver, startSandbox, T0, type Received } from '../../../../test/helpers/sandbox-http.ts';
import { verifyDelivery } from '../../../../test/helpers/webhook-verify.ts';
import { sandbox, type TikTokSandboxOptions } from '../sandbox.ts';

async function start(t: TestContext, extra: TikTokSandboxOptions = {}) {
  const opts: TikTokSandboxOptions = { seed: 3, size: 50, now: () => T0, webhookRetryDelaysMs: [0, 0, 0], ...extra };
  const { sb } = await startSandbox(t, sandbox, opts);
  return sb;
}

function verify(r: Received, secret: string, nowMs = T0) {
  return verifyDelivery(scheme, r, {
    secret,
    nowMs,
    signatureHeader: 'tiktok-signature',
    toleranceSeconds: 300,
  });
}

test('an event reaches the callback with TikTok-Signature that verifies with the app secret', async (t) => {
  const rx = await receiver(t, '/tiktok');
  const sb = await start(t, { webhookUrl: rx.url });
  sb.webhooks.emit('API_SERVICE_STATUS', { service: 'reporting', status: 'DEGRADED' });
  await sb.webhooks.idle();

  assert.equal(rx.got.length, 1);
  const r = rx.got[0]!;
  assert.deepEqual(verify(r, sb.secret), { ok: true });
  assert.deepEqual(verify(r, 'not-the-secret'), { ok: false, reason: 'bad_signature' });
  assert.deepEqual(verify(r, sb.secret, T0 + 301_000), { ok: false, reason: 'stale_timestamp' });
  // Independent check: t=<unix seconds>,s=<hex HMAC of "t.body">.
  const t0 = String(T0 / 1000);
  assert.equal(
    r.headers['tiktok-signature'],
    `t=${t0},s=${createHmac('sha256', sb.secret).update(`${t0}.${r.body.toString()}`).digest('hex')}`,
  );
  assert.equal(r.headers['webhook-schema-version'], '1.0');
  assert.match(String(r.headers['x-tt-logid']), /^\d{14}[0-9A-F]{20}$/);
  const body = JSON.parse(r.body.toString());
  assert.equal(body.client_key, sb.appId);
  assert.equal(body.event, 'API_SERVICE_STATUS');
  assert.equal(body.create_time, T0 / 1000);
  assert.equal(typeof body.content, 'string');
  assert.deepEqual(JSON.parse(body.content), { service: 'reporting', status: 'DEGRADED' });
  assert.equal(sb.webhooks.deliveries()[0]?.state, 'delivered');
});

test('a failing callback gets retries with the same signed bytes', async (t) => {
  const rx = await receiver(t, '/tiktok', [500, 502, 500, 200]);
  const sb = await start(t);
  sb.webhooks.setCallback(rx.url);
  sb.webhooks.emit('API_SERVICE_STATUS', { status: 'OK' });
  await sb.webhooks.idle();
  assert.equal(rx.got.length, 4);
  assert.equal(new Set(rx.got.map((g) => `${String(g.headers['tiktok-signature'])}|${g.body.toString()}`)).size, 1);
  const d = sb.webhooks.deliveries()[0]!;
  assert.equal(d.state, 'delivered');
  assert.deepEqual(
    d.attempts.map((a) => a.status),
    [500, 502, 500, 200],
  );
});

test('control endpoints set the callback and emit; nothing is sent without a callback', async (t) => {
  const rx = await receiver(t, '/tiktok');
  const sb = await start(t);
  const post = (path: string, body: unknown) =>
    fetch(`${sb.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  assert.equal((await post('/__sandbox/webhooks/emit', { event: 'API_SERVICE_STATUS' })).status, 409);
  assert.equal((await post('/__sandbox/webhooks', { callback_url: 'ftp://nope' })).status, 400);
  assert.equal((await post('/__sandbox/webhooks', { callback_url: rx.url })).status, 200);
  assert.equal(
    (await post('/__sandbox/webhooks/emit', { event: 'API_SERVICE_STATUS', content: { status: 'OK' } })).status,
    202,
  );
  await sb.webhooks.idle();
  assert.equal(rx.got.length, 1);
  assert.ok(verify(rx.got[0]!, sb.secret).ok);
  const listed = (await (await fetch(`${sb.url}/__sandbox/webhooks`)).json()) as {
    callback_url: string;
    deliveries: unknown[];
  };
  assert.equal(listed.callback_url, rx.url);
  assert.equal(listed.deliveries.length, 1);
});
