/**
 * Inbound webhooks for every platform that has them, signed exactly as each platform signs
 * (through the scheme's own signer, whose known-answer vectors are tested beside it): a valid
 * event is accepted, routed and processed once; tampered bodies, wrong secrets, stale
 * timestamps and missing headers are refused; handshakes are answered.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { systemClock } from '../../src/core/clock.ts';
import { startWorker, type WorkerHandle } from '../../src/jobs/runtime.ts';
import { allTasks } from '../../src/jobs/tasks/index.ts';
import { type ProviderId, providers } from '../../src/providers/registry.ts';
import { schemeFor } from '../../src/providers/kit/webhook-schemes/index.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';
import { jsonOf } from '../helpers/browser.ts';
import { waitFor } from '../helpers/wait.ts';

const { publicKey, privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const SECRET = 'app-secret-for-webhooks-0123456789';

interface Case {
  id: ProviderId;
  account: string;
  /** A delivery naming `account`; unique per call. */
  body(account: string): { json: unknown; headers?: Record<string, string> };
  perConnection?: boolean;
}

const CASES: Case[] = [
  {
    id: 'meta',
    account: 'act_1001',
    body: (a) => ({
      json: {
        object: 'ad_account',
        entry: [
          {
            id: a,
            time: Date.now(),
            changes: [
              { field: 'in_process_ad_objects', value: { id: randomUUID(), level: 'AD', status_name: 'ACTIVE' } },
            ],
          },
        ],
      },
    }),
  },
  {
    id: 'shopify',
    account: 'demo-shop.myshopify.com',
    body: (a) => ({
      json: { id: 1, title: 'Hello' },
      headers: {
        'x-shopify-topic': 'articles/update',
        'x-shopify-shop-domain': a,
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-api-version': '2025-10',
      },
    }),
  },
  {
    id: 'webflow',
    account: 'site-abc',
    body: (a) => ({
      json: {
        triggerType: 'collection_item_changed',
        payload: { id: randomUUID(), siteId: a, lastUpdated: new Date().toISOString() },
      },
    }),
  },
  {
    id: 'wix',
    account: 'instance-42',
    body: (a) => ({
      json: {
        data: JSON.stringify({
          eventType: 'wix.data.v2.data_item_updated',
          instanceId: a,
          data: JSON.stringify({ id: randomUUID(), entityId: 'x' }),
        }),
      },
    }),
  },
  {
    id: 'tiktok',
    account: '7000001',
    body: (a) => ({
      json: {
        client_key: 'k',
        event: 'ad_account.updated',
        create_time: Date.now(),
        content: JSON.stringify({ advertiser_id: a, nonce: randomUUID() }),
      },
    }),
  },
  {
    id: 'linkedin',
    account: 'urn:li:sponsoredAccount:555',
    body: (a) => ({
      json: {
        type: 'LEAD_ACTION',
        owner: { sponsoredAccount: a },
        leadGenFormResponse: `urn:li:leadGenFormResponse:${randomUUID()}`,
        leadAction: 'CREATED',
        occurredAt: Date.now(),
      },
    }),
  },
  {
    id: 'wordpress',
    account: 'https://blog.example',
    perConnection: true,
    body: () => ({ json: { id: randomUUID(), topic: 'content.updated', object: { type: 'post', id: 7 } } }),
  },
  {
    id: 'drupal',
    account: 'https://drupal.example',
    perConnection: true,
    body: () => ({ json: { id: randomUUID(), topic: 'content.updated', object: { type: 'node--article', id: 'u1' } } }),
  },
  {
    id: 'joomla',
    account: 'https://joomla.example',
    perConnection: true,
    body: () => ({ json: { id: randomUUID(), topic: 'content.deleted', object: { type: 'article', id: 3 } } }),
  },
];

let ctx: TestContext;
let worker: WorkerHandle;
let base: string;
let org: { id: string; key: string };
const connections = new Map<ProviderId, string>();
const cmsSecrets = new Map<ProviderId, string>();

function env(): Record<string, string> {
  const e: Record<string, string> = {
    PLEXUS_META_WEBHOOK_VERIFY_TOKEN: 'verify-me',
    PLEXUS_WIX_WEBHOOK_PUBLIC_KEY: publicKey,
  };
  for (const id of ['META', 'SHOPIFY', 'WEBFLOW', 'TIKTOK', 'LINKEDIN']) {
    e[`PLEXUS_${id}_CLIENT_ID`] = `client-${id}`;
    e[`PLEXUS_${id}_CLIENT_SECRET`] = SECRET;
  }
  return e;
}

function secretFor(c: Case): string {
  if (c.id === 'wix') return privateKey;
  return c.perConnection ? cmsSecrets.get(c.id)! : SECRET;
}

function signed(c: Case, raw: Buffer, secret = secretFor(c), nowMs = Date.now()) {
  const wh = providers[c.id].webhooks;
  assert.ok(wh.supported);
  const out = schemeFor(wh.scheme).sign(
    { rawBody: raw, secret, nowMs, ...(wh.signedPayloadPrefix ? { signedPayloadPrefix: wh.signedPayloadPrefix } : {}) },
    { signatureHeader: wh.signatureHeader, ...(wh.timestampHeader ? { timestampHeader: wh.timestampHeader } : {}) },
  );
  return out;
}

const urlFor = (c: Case) =>
  c.perConnection ? `${base}/webhooks/${c.id}/${connections.get(c.id)}` : `${base}/webhooks/${c.id}`;

async function deliver(
  c: Case,
  opts: { raw?: Buffer; headers?: Record<string, string>; secret?: string; nowMs?: number; drop?: string } = {},
) {
  const b = c.body(c.account);
  const raw = opts.raw ?? Buffer.from(JSON.stringify(b.json));
  const s = signed(c, raw, opts.secret, opts.nowMs);
  const headers: Record<string, string> = {
    'content-type': c.id === 'wix' ? 'text/plain' : 'application/json',
    ...b.headers,
    ...s.headers,
    ...opts.headers,
  };
  if (opts.drop) delete headers[opts.drop];
  const res = await fetch(urlFor(c), { method: 'POST', headers, body: s.body });
  return { res, raw: s.body, headers };
}

before(async () => {
  ctx = await createTestContext({ env: env() });
  base = await ctx.listen();
  org = await newOrg(ctx);
  for (const c of CASES) {
    const id = await seedConnection(
      ctx.db,
      ctx.keyring,
      org.id,
      c.id,
      { kind: 'token', accessToken: 'x' },
      { externalId: c.account, config: c.perConnection ? { siteUrl: c.account } : {} },
    );
    await ctx.db.owner.query('update connections set account_refs = array[$2] where id = $1', [id, c.account]);
    connections.set(c.id, id);
    if (c.perConnection) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/v1/connections/${id}/webhook-secret`,
        headers: auth(org.key),
      });
      assert.equal(res.statusCode, 201, res.body);
      cmsSecrets.set(c.id, res.json().secret);
    }
  }
  worker = await startWorker({
    db: ctx.db,
    keyring: ctx.keyring,
    log: ctx.log,
    clock: systemClock,
    tasks: allTasks,
    ...ctx.config.worker,
    providers: ctx.providers,
  });
});
after(async () => {
  await worker.stop();
  await ctx.close();
});

const inbox = async (provider: string) =>
  (await ctx.db.owner.query('select * from webhook_inbox where provider = $1 order by received_at', [provider])).rows;

for (const c of CASES) {
  test(`${c.id}: a signed event is accepted, routed and processed once; replays are deduplicated`, async () => {
    const before = (await inbox(c.id)).length;
    const first = await deliver(c);
    assert.equal(first.res.status, 200, await first.res.clone().text());
    // The platform retries the very same delivery: accepted again, stored once.
    const again = await fetch(urlFor(c), { method: 'POST', headers: first.headers, body: first.raw });
    assert.equal(again.status, 200);
    const rows = await inbox(c.id);
    assert.equal(rows.length, before + 1);
    const row = rows[rows.length - 1];
    assert.equal(row.org_id, org.id);
    assert.equal(row.connection_id, connections.get(c.id));
    await waitFor(
      async () =>
        (await ctx.db.owner.query('select status from webhook_inbox where id = $1', [row.id])).rows[0].status ===
        'processed',
      'processing',
    );
    const ev = await ctx.db.owner.query(
      "select count(*)::int as n from events where type = 'webhook.received' and payload->>'inbox_id' = $1",
      [row.id],
    );
    assert.equal(ev.rows[0].n, 1, 'processed exactly once');
  });

  test(`${c.id}: tampered body, wrong secret, missing signature${providers[c.id].webhooks.supported && 'timestampHeader' in providers[c.id].webhooks ? ', stale timestamp' : ''} are refused`, async () => {
    const count = (await inbox(c.id)).length;
    const good = c.body(c.account);
    const raw = Buffer.from(JSON.stringify(good.json));
    const s = signed(c, raw);
    const tampered = Buffer.from(s.body.toString('utf8').replace(/.$/, (ch) => (ch === '}' ? ' }' : `${ch}x`)));
    const r1 = await fetch(urlFor(c), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...good.headers, ...s.headers },
      body: tampered,
    });
    assert.equal(r1.status, 401, `tampered: ${await r1.text()}`);
    const wrongSecret =
      c.id === 'wix'
        ? generateKeyPairSync('rsa', {
            modulusLength: 2048,
            privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
            publicKeyEncoding: { type: 'spki', format: 'pem' },
          }).privateKey
        : 'not-the-secret';
    assert.equal((await deliver(c, { secret: wrongSecret })).res.status, 401, 'wrong secret');
    const wh = providers[c.id].webhooks;
    assert.ok(wh.supported);
    if (wh.signatureHeader)
      assert.equal((await deliver(c, { drop: wh.signatureHeader })).res.status, 401, 'missing signature');
    if (wh.timestampHeader || wh.scheme === 'hmac-sha256-hex-timestamp-pairs' || wh.scheme === 'jwt-rs256') {
      const r = await deliver(c, { nowMs: Date.now() - 3 * 3600_000 });
      assert.equal(r.res.status, 401, 'stale timestamp');
    }
    const body = await jsonOf((await deliver(c, { secret: wrongSecret })).res);
    assert.equal(body.error.code, 'webhook_signature_invalid');
    assert.equal((await inbox(c.id)).length, count, 'nothing stored');
  });
}

test('an event for an account nobody connected is kept as unmatched, not dropped', async () => {
  const c = CASES[0]!;
  const raw = Buffer.from(JSON.stringify(c.body('act_nobody').json));
  const s = signed(c, raw);
  const res = await fetch(`${base}/webhooks/meta`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...s.headers },
    body: s.body,
  });
  assert.equal(res.status, 200);
  const { rows } = await ctx.db.owner.query(
    "select status, org_id from webhook_inbox where account_ref = 'act_nobody'",
  );
  assert.equal(rows.length, 1);
  assert.equal(rows[0].status, 'unmatched');
});

test('unknown platforms, platforms without webhooks, unconfigured secrets, bad JSON and big bodies are refused', async () => {
  assert.equal((await fetch(`${base}/webhooks/nope`, { method: 'POST', body: '{}' })).status, 404);
  const g = await fetch(`${base}/webhooks/google-ads`, { method: 'POST', body: '{}' });
  assert.equal(g.status, 404);
  assert.equal((await jsonOf(g)).error.code, 'webhook_unsupported');
  // A CMS connection without a webhook secret: fail closed.
  const bare = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'wordpress',
    { kind: 'token', accessToken: 'x' },
    { externalId: 'https://nosecret.example' },
  );
  const r = await fetch(`${base}/webhooks/wordpress/${bare}`, {
    method: 'POST',
    headers: { 'x-plexus-signature': 'v1=00', 'x-plexus-timestamp': '1' },
    body: '{}',
  });
  assert.equal(r.status, 401);
  assert.equal((await jsonOf(r)).error.code, 'webhook_not_configured');
  const c = CASES[1]!;
  const bad = await deliver(c, { raw: Buffer.from('{"not json') });
  assert.equal(bad.res.status, 400);
  assert.equal((await jsonOf(bad.res)).error.code, 'invalid_json');
  const big = await deliver(c, { raw: Buffer.from(JSON.stringify({ x: 'y'.repeat(ctx.config.http.bodyLimit + 10) })) });
  assert.equal(big.res.status, 413);
});

test('Meta and LinkedIn subscription handshakes are answered; a wrong verify token is refused', async () => {
  const ok = await fetch(`${base}/webhooks/meta?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=12345`);
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), '12345');
  assert.equal(
    (await fetch(`${base}/webhooks/meta?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`)).status,
    403,
  );
  const code = '6f0c2a34-1b7e-4c39-9d2a-0e5b8f1c2d3e';
  const li = await fetch(`${base}/webhooks/linkedin?challengeCode=${code}`);
  assert.equal(li.status, 200);
  const { createHmac } = await import('node:crypto');
  assert.deepEqual(await jsonOf(li), {
    challengeCode: code,
    challengeResponse: createHmac('sha256', SECRET).update(code).digest('hex'),
  });
});

test('GET /v1/webhooks/inbound lists events with status; other orgs see none of them', async () => {
  const list = await ctx.app.inject({ method: 'GET', url: '/v1/webhooks/inbound?limit=100', headers: auth(org.key) });
  assert.equal(list.statusCode, 200);
  assert.ok(list.json().data.length >= CASES.length);
  assert.ok(list.json().data.every((e: { status: string }) => ['received', 'processed', 'failed'].includes(e.status)));
  const other = await newOrg(ctx, 'other');
  const theirs = await ctx.app.inject({ method: 'GET', url: '/v1/webhooks/inbound', headers: auth(other.key) });
  assert.equal(theirs.json().data.length, 0);
  const one = list.json().data[0];
  assert.equal(
    (await ctx.app.inject({ method: 'GET', url: `/v1/webhooks/inbound/${one.id}`, headers: auth(other.key) }))
      .statusCode,
    404,
  );
  assert.equal(
    (
      await ctx.app.inject({
        method: 'POST',
        url: `/v1/connections/${connections.get('wordpress')}/webhook-secret`,
        headers: auth(other.key),
      })
    ).statusCode,
    404,
  );
});

test('Shopify app/uninstalled makes the connection need re-authorization', async () => {
  const c = CASES[1]!;
  const raw = Buffer.from(JSON.stringify({ id: 1 }));
  const s = signed(c, raw);
  const res = await fetch(`${base}/webhooks/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'app/uninstalled',
      'x-shopify-shop-domain': c.account,
      'x-shopify-webhook-id': randomUUID(),
      ...s.headers,
    },
    body: s.body,
  });
  assert.equal(res.status, 200);
  await waitFor(
    async () =>
      (await ctx.db.owner.query('select status from connections where id = $1', [connections.get('shopify')])).rows[0]
        .status === 'needs_reauth',
    'needs_reauth',
  );
  const ev = await ctx.db.owner.query(
    "select count(*)::int as n from events where type = 'connection.reauth_required' and payload->>'reason' = 'app_uninstalled'",
  );
  assert.equal(ev.rows[0].n, 1);
});

test('an event whose processing keeps failing is retried, then dead-lettered and replayable; others are not held back', async () => {
  // A trigger stands in for a broken dependency: processing this topic fails in the database.
  await ctx.db.owner.query(`create or replace function test_fail_topic() returns trigger language plpgsql as $$
    begin if new.topic = 'boom' and new.status = 'processed' then raise exception 'dependency down'; end if; return new; end $$`);
  await ctx.db.owner.query(
    'create trigger test_fail_topic before update on webhook_inbox for each row execute function test_fail_topic()',
  );
  const c = CASES[6]!; // wordpress, per-connection URL
  const ok = await deliver(c);
  assert.equal(ok.res.status, 200);
  const raw = Buffer.from(JSON.stringify({ id: randomUUID(), topic: 'boom', object: {} }));
  const s = signed(c, raw);
  assert.equal(
    (
      await fetch(urlFor(c), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...s.headers },
        body: s.body,
      })
    ).status,
    200,
  );
  const boom = await waitFor(
    async () =>
      (await ctx.db.owner.query("select * from webhook_inbox where topic = 'boom' and attempts >= 1")).rows[0],
    'first failed attempt',
  );
  assert.equal(boom.status, 'received');
  assert.match(boom.last_error, /dependency down/);
  assert.ok(new Date(boom.next_attempt_at).getTime() > Date.now(), 'retry scheduled with backoff');
  // The good event of the same batch went through.
  await waitFor(
    async () =>
      (
        await ctx.db.owner.query(
          "select count(*)::int as n from webhook_inbox where provider = 'wordpress' and topic <> 'boom' and status <> 'processed'",
        )
      ).rows[0].n === 0,
    'others processed',
  );
  // Last attempt: due now with 7 attempts behind it → dead letter.
  await ctx.db.owner.query('update webhook_inbox set attempts = 7, next_attempt_at = now() where id = $1', [boom.id]);
  await ctx.db.owner.query(
    "select graphile_worker.add_job('drain_webhook_inbox', json_build_object('org_id', $1::text))",
    [org.id],
  );
  const dl = await waitFor(
    async () =>
      (await ctx.db.owner.query("select * from dead_letters where payload->>'inbox_id' = $1", [boom.id])).rows[0],
    'dead letter',
  );
  assert.equal(
    (await ctx.db.owner.query('select status from webhook_inbox where id = $1', [boom.id])).rows[0].status,
    'failed',
  );
  await ctx.db.owner.query('drop trigger test_fail_topic on webhook_inbox');
  const replay = await ctx.app.inject({
    method: 'POST',
    url: `/v1/dead-letters/${dl.id}/replay`,
    headers: auth(org.key),
  });
  assert.equal(replay.statusCode, 202, replay.body);
  await waitFor(
    async () =>
      (await ctx.db.owner.query('select status from webhook_inbox where id = $1', [boom.id])).rows[0].status ===
      'processed',
    'replayed',
  );
});

test('events jsonb cannot hold (NUL, a lone surrogate), correctly signed, are stored cleaned with the ones batched with them', async () => {
  const c = CASES[1]!; // shopify
  const good = Array.from({ length: 20 }, () => deliver(c));
  const nul = deliver(c, { raw: Buffer.from('{"title":"bad \\u0000 byte"}') });
  const surrogate = deliver(c, { raw: Buffer.from('{"title":"lone \\ud800 half"}') });
  const results = await Promise.all([...good, nul, surrogate]);
  assert.deepEqual(
    results.map((r) => r.res.status),
    Array(22).fill(200),
  );
  const { rows } = await ctx.db.owner.query(
    "select payload->>'title' as t from webhook_inbox where payload->>'title' in ('bad \ufffd byte', 'lone \ufffd half')",
  );
  assert.equal(rows.length, 2);
});
