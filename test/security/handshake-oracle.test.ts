/**
 * No subscription handshake may act as a signing oracle: LinkedIn answers a challenge
 * with the same HMAC, under the same key, that signs its event bodies, so a handshake that
 * answered any string would sign any body. Each platform with a handshake gets a body-shaped
 * challenge (the exact bytes an event signature covers) and must refuse it, while a challenge
 * of the platform's own format is still answered.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { loadProviderApps } from '../../src/providers/apps.ts';
import { listProviders, providerModule } from '../../src/providers/registry.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';

const SECRET = 'app-secret-for-handshakes-0123456789';
const env = {
  PLEXUS_META_CLIENT_ID: 'm',
  PLEXUS_META_CLIENT_SECRET: SECRET,
  PLEXUS_META_WEBHOOK_VERIFY_TOKEN: 'verify-me',
  PLEXUS_LINKEDIN_CLIENT_ID: 'l',
  PLEXUS_LINKEDIN_CLIENT_SECRET: SECRET,
};

const eventBody = JSON.stringify({
  type: 'LEAD_ACTION',
  owner: { sponsoredAccount: 'urn:li:sponsoredAccount:1' },
  leadAction: 'CREATED',
  occurredAt: 1,
});

/** Per provider with a handshake: the query for a challenge value, a valid challenge, and hostile ones. */
const KINDS: Record<string, { query(v: string): Record<string, string>; valid: string; hostile: string[] }> = {
  linkedin: {
    query: (v) => ({ challengeCode: v }),
    valid: '6f0c2a34-1b7e-4c39-9d2a-0e5b8f1c2d3e',
    // What X-LI-Signature covers, and the bare body (a connector may accept either).
    hostile: [`hmacsha256=${eventBody}`, eventBody, 'abc', '6f0c2a34-1b7e-4c39-9d2a-0e5b8f1c2d3e\n{}'],
  },
  meta: {
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

/** Providers whose webhook adapter answers a subscription handshake. */
const withHandshake = listProviders().filter((d) => providerModule(d.id).webhooks?.handshake !== undefined);

test('every provider with a handshake is covered here', () => {
  for (const def of withHandshake) assert.ok(KINDS[def.id], `${def.id}: its handshake has no oracle case`);
});

test('each platform route answers its own challenge format and refuses a body-shaped challenge', async () => {
  assert.ok(withHandshake.length >= 2);
  for (const def of withHandshake) {
    const kind = KINDS[def.id]!;
    const ok = await ctx.app.inject({ method: 'GET', url: `/webhooks/${def.id}`, query: kind.query(kind.valid) });
    assert.equal(ok.statusCode, 200, `${def.id} answers a valid challenge`);
    for (const bad of kind.hostile) {
      const r = await ctx.app.inject({ method: 'GET', url: `/webhooks/${def.id}`, query: kind.query(bad) });
      assert.equal(r.statusCode, 400, `${def.id} refuses challenge ${JSON.stringify(bad).slice(0, 60)}`);
      assert.ok(
        !r.body.includes(createHmac('sha256', SECRET).update(bad).digest('hex')),
        `${def.id}: no HMAC of a hostile challenge`,
      );
    }
  }
});

test('the LinkedIn answer to a body-shaped challenge would be a valid event signature: it is never given', async () => {
  // The attack: ask for challengeCode = "hmacsha256=" + body; the answer is X-LI-Signature.
  const r = await ctx.app.inject({
    method: 'GET',
    url: '/webhooks/linkedin',
    query: { challengeCode: `hmacsha256=${eventBody}` },
  });
  assert.equal(r.statusCode, 400);
  const forged = createHmac('sha256', SECRET).update(`hmacsha256=${eventBody}`).digest('hex');
  assert.ok(!r.body.includes(forged));
});
