/**
 * No subscription handshake may act as a signing oracle: LinkedIn and X answer a challenge
 * with the same HMAC, under the same key, that signs their event bodies, so a handshake that
 * answered any string would sign any body. Each platform with a handshake gets a body-shaped
 * challenge (the exact bytes an event signature covers) and must refuse it, while a challenge
 * of the platform's own format is still answered.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { answerHandshake } from '../../src/webhooks/ingress/handshakes.ts';
import { loadProviderApps } from '../../src/providers/apps.ts';
import { providers } from '../../src/providers/registry.ts';
import type { WebhookHandshake } from '../../src/providers/types.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';

const SECRET = 'app-secret-for-handshakes-0123456789';
const env = {
  PLEXUS_META_CLIENT_ID: 'm',
  PLEXUS_META_CLIENT_SECRET: SECRET,
  PLEXUS_META_WEBHOOK_VERIFY_TOKEN: 'verify-me',
  PLEXUS_LINKEDIN_CLIENT_ID: 'l',
  PLEXUS_LINKEDIN_CLIENT_SECRET: SECRET,
  PLEXUS_X_CLIENT_ID: 'x',
  PLEXUS_X_CLIENT_SECRET: SECRET,
};

const eventBody = JSON.stringify({ type: 'LEAD_ACTION', owner: { sponsoredAccount: 'urn:li:sponsoredAccount:1' }, leadAction: 'CREATED', occurredAt: 1 });

/** Per handshake kind: the query for a challenge value, a valid challenge, and hostile ones. */
const KINDS: Record<WebhookHandshake, { query(v: string): Record<string, string>; valid: string; hostile: string[] }> = {
  'linkedin-challenge': {
    query: (v) => ({ challengeCode: v }),
    valid: '6f0c2a34-1b7e-4c39-9d2a-0e5b8f1c2d3e',
    // What X-LI-Signature covers, and the bare body (a connector may accept either).
    hostile: [`hmacsha256=${eventBody}`, eventBody, 'abc', '6f0c2a34-1b7e-4c39-9d2a-0e5b8f1c2d3e\n{}'],
  },
  'x-crc': {
    query: (v) => ({ crc_token: v }),
    valid: 'NjMzNzQ3MzU1OTE0MDQ4NzIwMTIz',
    hostile: [eventBody, '12345678901234567890', '1e99999999999999', '"aaaaaaaaaaaaaaaaaaaa"'],
  },
  'meta-hub-challenge': {
    query: (v) => ({ 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me', 'hub.challenge': v }),
    valid: '1158201444',
    hostile: [eventBody, '<script>alert(1)</script>', 'abc'],
  },
};

let ctx: TestContext;
before(async () => {
  ctx = await createTestContext({ env, apps: loadProviderApps(env) });
});
after(async () => ctx?.close());

test('every handshake kind in the registry is covered here', () => {
  for (const def of Object.values(providers)) {
    if (def.webhooks.supported && def.webhooks.handshake) assert.ok(KINDS[def.webhooks.handshake], `${def.id}: handshake ${def.webhooks.handshake} has no oracle case`);
  }
});

test('each platform route answers its own challenge format and refuses a body-shaped challenge', async () => {
  const routed = Object.values(providers).filter((d) => d.webhooks.supported && d.webhooks.handshake);
  assert.ok(routed.length >= 2);
  for (const def of routed) {
    const kind = KINDS[(def.webhooks as { handshake: WebhookHandshake }).handshake];
    const ok = await ctx.app.inject({ method: 'GET', url: `/webhooks/${def.id}`, query: kind.query(kind.valid) });
    assert.equal(ok.statusCode, 200, `${def.id} answers a valid challenge`);
    for (const bad of kind.hostile) {
      const r = await ctx.app.inject({ method: 'GET', url: `/webhooks/${def.id}`, query: kind.query(bad) });
      assert.equal(r.statusCode, 400, `${def.id} refuses challenge ${JSON.stringify(bad).slice(0, 60)}`);
      assert.ok(!r.body.includes(createHmac('sha256', SECRET).update(bad).digest('hex')), `${def.id}: no HMAC of a hostile challenge`);
    }
  }
});

test('the LinkedIn answer to a body-shaped challenge would be a valid event signature: it is never given', async () => {
  // The attack: ask for challengeCode = "hmacsha256=" + body; the answer is X-LI-Signature.
  const r = await ctx.app.inject({ method: 'GET', url: '/webhooks/linkedin', query: { challengeCode: `hmacsha256=${eventBody}` } });
  assert.equal(r.statusCode, 400);
  const forged = createHmac('sha256', SECRET).update(`hmacsha256=${eventBody}`).digest('hex');
  assert.ok(!r.body.includes(forged));
});

test('the X CRC handshake answers CRC tokens only (no X route has one yet: checked on the function)', () => {
  const app = loadProviderApps(env).x;
  const kind = KINDS['x-crc'];
  assert.equal(answerHandshake('x-crc', kind.query(kind.valid), app).status, 200);
  for (const bad of kind.hostile) assert.equal(answerHandshake('x-crc', kind.query(bad), app).status, 400, bad);
});
