import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { scheme } from '../../kit/webhook-schemes/hmac-sha256-hex.ts';
import { receiver, startSandbox, T0, type Received } from '../../../../test/helpers/sandbox-http.ts';
import { sandbox, type LinkedInSandboxOptions } from '../sandbox.ts';

/**
 * A subscriber: answers LinkedIn's challenge GET with `answer(code)` and each POST with the
 * next status in `statuses`.
 */
async function subscriber(
  t: TestContext,
  secret: string,
  o: { statuses?: number[]; answer?: (code: string) => string } = {},
) {
  const challenges: string[] = [];
  const answer = o.answer ?? ((code: string) => createHmac('sha256', secret).update(code).digest('hex'));
  const rx = await receiver(t, '/linkedin', o.statuses ?? [200], {
    onGet: (url, res) => {
      const code = url.searchParams.get('challengeCode') ?? '';
      challenges.push(`${code}|${url.searchParams.get('applicationId') ?? ''}`);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ challengeCode: code, challengeResponse: answer(code) }));
    },
  });
  return { ...rx, challenges };
}

async function start(t: TestContext, extra: LinkedInSandboxOptions = {}) {
  const opts: LinkedInSandboxOptions = { seed: 5, size: 50, now: () => T0, webhookRetryDelaysMs: [0, 0], ...extra };
  const { sb } = await startSandbox(t, sandbox, opts);
  return sb;
}

/** The connector's check: the shared verifier configured as the LinkedIn provider definition does. */
function verify(r: Received, secret: string, header = r.headers['x-li-signature']) {
  return scheme.verify({
    rawBody: r.body,
    headers: { 'x-li-signature': Array.isArray(header) ? header[0] : header },
    secret,
    nowMs: T0,
    signatureHeader: 'x-li-signature',
    signedPayloadPrefix: 'hmacsha256=',
  });
}

test('verifyChallenge: a correct challengeResponse passes, a wrong one or an unreachable endpoint fails', async (t) => {
  const sb = await start(t);
  const good = await subscriber(t, sb.clientSecret);
  const ok = await sb.verifyChallenge(good.url);
  assert.equal(ok.ok, true);
  assert.match(ok.challengeCode, /^[0-9a-f-]{36}$/);
  assert.deepEqual(good.challenges, [`${ok.challengeCode}|${sb.clientId}`]);

  const wrongKey = await subscriber(t, 'not-the-secret');
  assert.equal((await sb.verifyChallenge(wrongKey.url)).ok, false);
  const base64 = await subscriber(t, sb.clientSecret, {
    answer: (c) => createHmac('sha256', sb.clientSecret).update(c).digest('base64'),
  });
  assert.equal((await sb.verifyChallenge(base64.url)).ok, false);
  const down = await sb.verifyChallenge('http://127.0.0.1:9/nothing-here');
  assert.equal(down.ok, false);
  assert.ok(down.error);
});

test('register validates, then a lead notification arrives with an X-LI-Signature the connector verifies', async (t) => {
  const sb = await start(t);
  const sub = await subscriber(t, sb.clientSecret);
  assert.equal((await sb.webhooks.register(sub.url)).ok, true);
  assert.equal(sb.webhooks.validated, true);
  const account = `urn:li:sponsoredAccount:${sb.world().accounts[0]!.id}`;
  sb.webhooks.emitLead({ sponsoredAccount: account });
  await sb.webhooks.idle();

  assert.equal(sub.got.length, 1);
  const r = sub.got[0]!;
  const sig = String(r.headers['x-li-signature']);
  // Independent check: bare lowercase hex of HMAC-SHA256(clientSecret, "hmacsha256=" + body).
  assert.equal(sig, createHmac('sha256', sb.clientSecret).update(`hmacsha256=${r.body.toString()}`).digest('hex'));
  assert.deepEqual(verify(r, sb.clientSecret), { ok: true });
  assert.deepEqual(verify(r, sb.clientSecret, `hmacsha256=${sig}`), { ok: true });
  assert.deepEqual(verify(r, 'other-secret'), { ok: false, reason: 'bad_signature' });
  const body = JSON.parse(r.body.toString());
  assert.equal(body.type, 'LEAD_ACTION');
  assert.equal(body.leadAction, 'CREATED');
  assert.equal(body.leadType, 'SPONSORED');
  assert.deepEqual(body.owner, { sponsoredAccount: account });
  assert.equal(body.occurredAt, T0);
  assert.match(body.leadGenFormResponse, /^urn:li:leadGenFormResponse:/);
});

test('a failed challenge does not register; a failing receiver gets retries', async (t) => {
  const sb = await start(t);
  const wrong = await subscriber(t, 'not-the-secret');
  assert.equal((await sb.webhooks.register(wrong.url)).ok, false);
  assert.equal(sb.webhooks.url, undefined);
  assert.equal(sb.webhooks.emit({ type: 'ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS' }), undefined);

  const failing = await subscriber(t, sb.clientSecret, { statuses: [500] });
  await sb.webhooks.register(failing.url);
  sb.webhooks.emit({
    type: 'ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS',
    notificationId: 42,
    organizationalEntity: 'urn:li:organization:1',
  });
  await sb.webhooks.idle();
  assert.equal(failing.got.length, 3);
  assert.ok(failing.got.every((g) => verify(g, sb.clientSecret).ok));
  const d = sb.webhooks.deliveries()[0]!;
  assert.equal(d.notificationId, '42');
  assert.equal(d.state, 'failed');
  assert.deepEqual(
    d.attempts.map((a) => a.status),
    [500, 500, 500],
  );
});

test('control endpoints: register with the challenge, emit a lead, read deliveries', async (t) => {
  const sb = await start(t);
  const sub = await subscriber(t, sb.clientSecret);
  const post = (path: string, body: unknown) =>
    fetch(`${sb.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  assert.equal((await post('/__sandbox/webhooks/emit', {})).status, 409);
  const reg = await post('/__sandbox/webhooks', { url: sub.url });
  assert.equal(reg.status, 200);
  assert.equal(((await reg.json()) as { validated: boolean }).validated, true);
  assert.equal((await post('/__sandbox/webhooks/emit', { leadAction: 'DELETED' })).status, 202);
  await sb.webhooks.idle();
  assert.equal(JSON.parse(sub.got[0]!.body.toString()).leadAction, 'DELETED');
  const listed = (await (await fetch(`${sb.url}/__sandbox/webhooks`)).json()) as {
    url: string;
    deliveries: { state: string }[];
  };
  assert.equal(listed.url, sub.url);
  assert.equal(listed.deliveries[0]?.state, 'delivered');
});
