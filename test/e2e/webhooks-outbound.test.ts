import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { registerErrorHandling } from '../../src/api/plugins/error-handler.ts';
import { requireApiKey } from '../../src/api/plugins/auth.ts';
import type { AppDeps } from '../../src/api/deps.ts';
import { webhookDeliveryRoutes } from '../../src/api/routes/v1/webhook-deliveries.ts';
import { webhookEndpointRoutes } from '../../src/api/routes/v1/webhook-endpoints.ts';
import { recordEvent, type EventType } from '../../src/connections/events.ts';
import { systemClock } from '../../src/core/clock.ts';
import { withOrgTx } from '../../src/db/tx.ts';
import { startWorker, type WorkerHandle } from '../../src/jobs/runtime.ts';
import { createDeliverWebhookTask } from '../../src/jobs/tasks/deliver-webhook.ts';
import { fanoutEvent } from '../../src/jobs/tasks/fanout-event.ts';
import type { TaskDefinition } from '../../src/jobs/types.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { parseAllowList } from '../../src/security/ssrf.ts';
import { shouldDisable, DISABLE_AFTER_MS } from '../../src/webhooks/outbound/disable.ts';
import { responseExcerpt } from '../../src/webhooks/outbound/excerpt.ts';
import { fanOutEvent } from '../../src/webhooks/outbound/fanout.ts';
import { DEFAULT_RETRY_POLICY, nextRetryDelayMs, parseRetryAfter } from '../../src/webhooks/outbound/schedule.ts';
import { createWebhookSender, type WebhookSender } from '../../src/webhooks/outbound/sender.ts';
import { signWebhook } from '../../src/webhooks/outbound/sign.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { JOBS } from '../helpers/jobs.ts';
import { waitFor } from '../helpers/wait.ts';

// --- An independent Standard Webhooks verifier, as a receiver would write it. ---

const TOLERANCE_SECONDS = 5 * 60;

/** Which of the given secrets verify the message (by index); empty when none does or the stamp is stale. */
function verifyingSecrets(
  secrets: readonly string[],
  headers: IncomingHttpHeaders,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): number[] {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sigHeader = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sigHeader !== 'string') return [];
  if (!/^\d+$/.test(ts) || Math.abs(nowSeconds - Number(ts)) > TOLERANCE_SECONDS) return [];
  const given = sigHeader
    .split(' ')
    .map((part) => part.split(','))
    .filter(([version, sig]) => version === 'v1' && sig)
    .map(([, sig]) => Buffer.from(sig!, 'base64'));
  const out: number[] = [];
  secrets.forEach((secret, i) => {
    const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
    const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest();
    if (given.some((g) => g.length === expected.length && timingSafeEqual(g, expected))) out.push(i);
  });
  return out;
}

const verifies = (secret: string, headers: IncomingHttpHeaders, body: string) =>
  verifyingSecrets([secret], headers, body).length === 1;

// --- A receiver on loopback whose answer each test sets per path. ---

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}
type Answer = (n: number, r: Received) => { status: number; headers?: Record<string, string>; body?: string };

const received: Received[] = [];
const answers = new Map<string, Answer>();
let receiver: Server;
let base: string;

const hits = (path: string) => received.filter((r) => r.path === path);

// --- The app with these routes, a worker with these tasks. ---

const SCHEDULE = [40, 40, 40];
let ctx: TestContext;
let api: FastifyInstance;
let worker: WorkerHandle;
let sender: WebhookSender;
let org: { id: string; key: string };
let other: { id: string; key: string };
const secretsSeen: string[] = [];

async function buildApi(): Promise<FastifyInstance> {
  const deps: AppDeps = {
    config: ctx.config,
    db: ctx.db,
    keyring: ctx.keyring,
    log: ctx.log,
    clock: systemClock,
    metrics: createMetrics(ctx.db),
    providers: ctx.providers,
    ssrf: parseAllowList('127.0.0.1:*,localhost:*'),
    publicUrl: () => 'http://plexus.test',
  };
  const loggerInstance: FastifyBaseLogger = ctx.log;
  const app = Fastify({ loggerInstance }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  await app.register(swagger, {
    openapi: { openapi: '3.1.0', info: { title: 't', version: '1' } },
    transform: jsonSchemaTransform,
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(
    async (v1) => {
      requireApiKey(v1, ctx.db.app);
      await v1.register(webhookEndpointRoutes, deps);
      await v1.register(webhookDeliveryRoutes, deps);
    },
    { prefix: '/v1' },
  );
  await app.ready();
  return app;
}

before(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      const answer = answers.get(r.path)?.(hits(r.path).length, r) ?? { status: 200 };
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  ctx = await createTestContext();
  org = await newOrg(ctx, 'Receiver org');
  other = await newOrg(ctx, 'Other org');
  api = await buildApi();
  sender = createWebhookSender(parseAllowList('127.0.0.1:*'));
  worker = await startWorker({
    db: ctx.db,
    keyring: ctx.keyring,
    log: ctx.log,
    clock: systemClock,
    // A threshold of zero: the first delivery that exhausts its schedule disables the endpoint.
    tasks: [
      fanoutEvent,
      createDeliverWebhookTask({ sender, retry: { schedule: SCHEDULE }, disableAfterMs: 0, timeoutMs: 2_000 }),
    ] as unknown as TaskDefinition[],
    ...ctx.config.worker,
    concurrency: 4,
  });
});

after(async () => {
  await worker.stop();
  await sender.close();
  await api.close();
  await ctx.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, key = org.key) =>
  api.inject({ method, url, headers: auth(key), ...(payload ? { payload } : {}) });

async function createEndpoint(
  path: string,
  body: Record<string, unknown> = {},
  key = org.key,
): Promise<{ id: string; secret: string }> {
  const res = await call('POST', '/v1/webhook-endpoints', { url: `${base}${path}`, ...body }, key);
  assert.equal(res.statusCode, 201, res.body);
  const json = res.json<{ id: string; secret: string }>();
  assert.match(json.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
  secretsSeen.push(json.secret);
  return json;
}

const record = (type: EventType, payload: Record<string, unknown>, orgId = org.id) =>
  withOrgTx(ctx.db.app, orgId, (c) => recordEvent(c, orgId, type, payload));

async function deliveryOf(endpointId: string, eventId: string) {
  const { rows } = await ctx.db.owner.query(
    'select * from webhook_deliveries where endpoint_id = $1 and event_id = $2',
    [endpointId, eventId],
  );
  return rows[0];
}

const waitDelivery = (endpointId: string, eventId: string, status: string, what = `delivery ${status}`) =>
  waitFor(async () => {
    const d = await deliveryOf(endpointId, eventId);
    return d?.status === status ? d : undefined;
  }, what);

const attemptsOf = async (deliveryId: string) =>
  (
    await ctx.db.owner.query('select * from webhook_delivery_attempts where delivery_id = $1 order by attempt', [
      deliveryId,
    ])
  ).rows;

// ---------------------------------------------------------------------------------------

test('the verifier and the signer both reproduce the published Standard Webhooks test vector', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const headers = {
    'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    'webhook-timestamp': '1614265330',
    'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };
  const body = '{"test": 2432232314}';
  assert.deepEqual(verifyingSecrets([secret], headers, body, 1614265330), [0]);
  assert.deepEqual(
    verifyingSecrets([secret], headers, body, 1614265330 + TOLERANCE_SECONDS + 1),
    [],
    'a stale timestamp is refused',
  );
  assert.deepEqual(verifyingSecrets([secret], headers, `${body} `, 1614265330), [], 'a changed body is refused');
  const signed = signWebhook({ id: headers['webhook-id'], timestampSeconds: 1614265330, body, secrets: [secret] });
  assert.equal(signed['webhook-signature'], headers['webhook-signature']);
});

test('an event recorded through recordEvent reaches the endpoint once, signed, in the Standard Webhooks shape', async () => {
  const ep = await createEndpoint('/once');
  const eventId = await record('sync.completed', { connection_id: 'c-1', entities: ['account'] });
  const d = await waitDelivery(ep.id, eventId, 'succeeded');
  assert.equal(d.attempts, 1);
  assert.equal(d.last_status_code, 200);
  assert.ok(d.delivered_at);
  assert.equal(typeof d.last_latency_ms, 'number');

  // A second fan-out of the same event adds no delivery and sends nothing.
  assert.equal(await withOrgTx(ctx.db.app, org.id, (c) => fanOutEvent(c, org.id, eventId)), 0);
  const got = hits('/once');
  assert.equal(got.length, 1);
  const r = got[0]!;
  assert.equal(r.headers['webhook-id'], eventId);
  assert.equal(r.headers['content-type'], 'application/json');
  assert.match(String(r.headers['webhook-timestamp']), /^\d{10}$/);
  assert.equal(String(r.headers['webhook-signature']).split(' ').length, 1);
  assert.ok(verifies(ep.secret, r.headers, r.body), 'signature verifies with the endpoint secret');
  assert.ok(!verifies(ep.secret.replace(/^whsec_./, 'whsec_A'), r.headers, r.body));
  const body = JSON.parse(r.body);
  assert.deepEqual(Object.keys(body).sort(), ['data', 'timestamp', 'type']);
  assert.equal(body.type, 'sync.completed');
  assert.deepEqual(body.data, { connection_id: 'c-1', entities: ['account'] });
  assert.ok(!Number.isNaN(Date.parse(body.timestamp)) && body.timestamp.endsWith('Z'));

  const log = await call('GET', `/v1/webhook-endpoints/${ep.id}/deliveries`);
  assert.equal(log.statusCode, 200);
  assert.equal(log.json().data[0].status, 'succeeded');
  const one = await call('GET', `/v1/webhook-deliveries/${d.id}`);
  assert.equal(one.statusCode, 200);
  assert.equal(one.json().attempt_log.length, 1);
  assert.equal(one.json().attempt_log[0].status_code, 200);
});

test('event type filters are respected; an empty filter takes every type', async () => {
  const filtered = await createEndpoint('/filtered', { event_types: ['connection.deleted'] });
  const all = await createEndpoint('/all');
  const skipped = await record('connection.created', { connection_id: 'c-2' });
  const taken = await record('connection.deleted', { connection_id: 'c-2' });
  await waitDelivery(all.id, skipped, 'succeeded');
  await waitDelivery(all.id, taken, 'succeeded');
  await waitDelivery(filtered.id, taken, 'succeeded');
  assert.equal(await deliveryOf(filtered.id, skipped), undefined);
  assert.deepEqual(
    hits('/filtered').map((r) => r.headers['webhook-id']),
    [taken],
  );
  assert.equal(hits('/all').length, 2);

  const bad = await call('POST', '/v1/webhook-endpoints', { url: `${base}/x`, event_types: ['no.such_type'] });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.code, 'validation_failed');
  const narrowed = await call('PATCH', `/v1/webhook-endpoints/${all.id}`, { event_types: ['publish.completed'] });
  assert.deepEqual(narrowed.json().event_types, ['publish.completed']);
});

test('a failing endpoint is retried on the schedule with the same id and fresh signatures until it answers 2xx', async () => {
  answers.set('/flaky', (n) => (n <= 2 ? { status: 500, body: 'boom' } : { status: 204 }));
  const ep = await createEndpoint('/flaky');
  const eventId = await record('sync.failed', { connection_id: 'c-3' });
  const d = await waitDelivery(ep.id, eventId, 'succeeded');
  assert.equal(d.attempts, 3);
  const log = await attemptsOf(d.id);
  assert.deepEqual(
    log.map((a) => a.status_code),
    [500, 500, 204],
  );
  assert.equal(log[0].response_excerpt, 'boom');
  const got = hits('/flaky');
  assert.equal(got.length, 3);
  for (const r of got) {
    assert.equal(r.headers['webhook-id'], eventId);
    assert.ok(verifies(ep.secret, r.headers, r.body));
  }
  const endpoint = (await call('GET', `/v1/webhook-endpoints/${ep.id}`)).json();
  assert.equal(endpoint.consecutive_failures, 0, 'a success ends the failure streak');
  assert.ok(endpoint.last_success_at);
});

test('a delivery that exhausts its schedule fails, and sustained failure disables the endpoint with an event', async () => {
  answers.set('/down', () => ({ status: 500, body: 'still down' }));
  const ep = await createEndpoint('/down');
  const watcher = await createEndpoint('/watcher', { event_types: ['webhook_endpoint.disabled'] });
  const eventId = await record('content.conflict', { item: 'post-1' });
  const d = await waitDelivery(ep.id, eventId, 'failed');
  assert.equal(d.attempts, 1 + SCHEDULE.length);
  assert.equal(d.next_attempt_at, null);
  assert.equal(d.last_error, 'HTTP 500');
  assert.equal((await attemptsOf(d.id)).length, 1 + SCHEDULE.length);
  const endpoint = (await call('GET', `/v1/webhook-endpoints/${ep.id}`)).json();
  assert.equal(endpoint.status, 'disabled');
  assert.match(endpoint.disabled_reason, /^Every attempt since .* failed\.$/);
  assert.equal(endpoint.consecutive_failures, 1 + SCHEDULE.length);
  const ev = (
    await ctx.db.owner.query(
      "select * from events where org_id = $1 and type = 'webhook_endpoint.disabled' and payload->>'endpoint_id' = $2",
      [org.id, ep.id],
    )
  ).rows;
  assert.equal(ev.length, 1);
  // The disabled event itself goes out to endpoints that take it.
  await waitDelivery(watcher.id, ev[0].id, 'succeeded');
  assert.equal(JSON.parse(hits('/watcher')[0]!.body).data.endpoint_id, ep.id);

  // The rule itself: five days of failure by default.
  const now = new Date();
  assert.equal(shouldDisable(new Date(now.getTime() - DISABLE_AFTER_MS + 60_000), now, DISABLE_AFTER_MS), false);
  assert.equal(shouldDisable(new Date(now.getTime() - DISABLE_AFTER_MS), now, DISABLE_AFTER_MS), true);
  assert.equal(shouldDisable(null, now, 0), false);
});

test('Retry-After pushes the next attempt back (seconds and HTTP date), capped; it never brings it forward', async () => {
  answers.set('/later', () => ({ status: 503, headers: { 'retry-after': '120' } }));
  const ep = await createEndpoint('/later');
  const eventId = await record('publish.completed', { post: 'p-1' });
  const d = await waitDelivery(ep.id, eventId, 'retrying');
  const [a] = await attemptsOf(d.id);
  const delta = d.next_attempt_at.getTime() - a.at.getTime();
  assert.ok(delta >= 119_000 && delta <= 121_000, `next attempt ${delta} ms after the first, not ${SCHEDULE[0]} ms`);
  const job = (
    await ctx.db.owner.query('select run_at from graphile_worker.jobs where key = $1', [`webhook-delivery:${d.id}`])
  ).rows[0];
  assert.ok(job, 'the next attempt is queued');
  assert.ok(Math.abs(job.run_at.getTime() - d.next_attempt_at.getTime()) < 1_000, 'the job runs when the row says');
  const shown = (await call('GET', `/v1/webhook-deliveries/${d.id}`)).json();
  assert.equal(shown.status, 'retrying');
  assert.equal(new Date(shown.next_attempt_at).getTime(), d.next_attempt_at.getTime());

  const now = new Date('2025-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('30', now), 30_000);
  assert.equal(parseRetryAfter('Wed, 01 Jan 2025 01:00:00 GMT', now), 3_600_000);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(
    nextRetryDelayMs(1, DEFAULT_RETRY_POLICY, 1_000),
    5_000,
    'a short Retry-After does not shorten the schedule',
  );
  assert.equal(
    nextRetryDelayMs(1, DEFAULT_RETRY_POLICY, 999 * 3_600_000),
    DEFAULT_RETRY_POLICY.maxRetryAfterMs,
    'capped',
  );
  assert.equal(nextRetryDelayMs(8, DEFAULT_RETRY_POLICY), undefined, 'eight attempts in all');
  const span = DEFAULT_RETRY_POLICY.schedule.reduce((s, x) => s + x, 0);
  assert.ok(span >= 24 * 3_600_000, `the default schedule spans ${span / 3_600_000} h`);

  // Redelivery replaces the scheduled retry with an attempt now; the schedule then ends in success.
  answers.set('/later', () => ({ status: 200 }));
  const re = await call('POST', `/v1/webhook-deliveries/${d.id}/redeliver`);
  assert.equal(re.statusCode, 202, re.body);
  const done = await waitDelivery(ep.id, eventId, 'succeeded');
  assert.equal(done.attempts, 2);
  assert.equal(done.next_attempt_at, null);
});

test('redelivery sends a finished delivery again, once, with the same webhook-id', async () => {
  const ep = await createEndpoint('/again');
  const eventId = await record('connection.updated', { connection_id: 'c-4' });
  const d = await waitDelivery(ep.id, eventId, 'succeeded');
  const re = await call('POST', `/v1/webhook-deliveries/${d.id}/redeliver`);
  assert.equal(re.statusCode, 202);
  await waitFor(async () => (await deliveryOf(ep.id, eventId)).attempts === 2, 'second attempt');
  const got = hits('/again');
  assert.equal(got.length, 2);
  assert.equal(got[1]!.headers['webhook-id'], eventId);
  assert.ok(verifies(ep.secret, got[1]!.headers, got[1]!.body));

  // A failed one-shot redelivery of a finished delivery is final: no schedule follows.
  answers.set('/again', () => ({ status: 500 }));
  await call('POST', `/v1/webhook-deliveries/${d.id}/redeliver`);
  const failed = await waitDelivery(ep.id, eventId, 'failed');
  assert.equal(failed.attempts, 3);
  assert.equal(failed.next_attempt_at, null);
  assert.equal(
    (await call('GET', `/v1/webhook-endpoints/${ep.id}`)).json().status,
    'active',
    'a manual attempt never disables',
  );
  answers.set('/again', () => ({ status: 200 }));
});

test('410 Gone disables the endpoint and stops deliveries until it is re-enabled', async () => {
  answers.set('/gone', () => ({ status: 410 }));
  const ep = await createEndpoint('/gone');
  const first = await record('connection.expiring', { connection_id: 'c-5' });
  const d = await waitDelivery(ep.id, first, 'disabled');
  assert.equal(d.attempts, 1);
  assert.equal(d.last_status_code, 410);
  const endpoint = (await call('GET', `/v1/webhook-endpoints/${ep.id}`)).json();
  assert.equal(endpoint.status, 'disabled');
  assert.match(endpoint.disabled_reason, /410/);
  assert.ok(endpoint.disabled_at);

  const second = await record('connection.expiring', { connection_id: 'c-6' });
  const marker = await createEndpoint('/marker');
  const third = await record('connection.expiring', { connection_id: 'c-7' });
  await waitDelivery(marker.id, third, 'succeeded');
  await waitFor(
    async () =>
      (await ctx.db.owner.query(`select 1 from ${JOBS} j where j.payload->>$1 = $2`, ['event_id', second])).rowCount ===
      0,
    'fan-out of the second event',
  );
  assert.equal(await deliveryOf(ep.id, second), undefined, 'no delivery for a disabled endpoint');
  assert.equal(hits('/gone').length, 1);
  const test = await call('POST', `/v1/webhook-endpoints/${ep.id}/test`);
  assert.equal(test.statusCode, 409);
  assert.equal((await call('POST', `/v1/webhook-deliveries/${d.id}/redeliver`)).statusCode, 409);

  answers.set('/gone', () => ({ status: 200 }));
  await ctx.db.owner.query(
    'update webhook_endpoints set consecutive_failures = 7, failing_since = now() where id = $1',
    [ep.id],
  );
  const enabled = await call('PATCH', `/v1/webhook-endpoints/${ep.id}`, { status: 'active' });
  assert.equal(enabled.statusCode, 200);
  assert.equal(enabled.json().status, 'active');
  assert.equal(enabled.json().disabled_reason, null);
  assert.equal(enabled.json().consecutive_failures, 0, 're-enabling clears the failure streak');
  assert.equal(enabled.json().failing_since, null);
});

test('after a rotation both secrets sign during the overlap, each verifying on its own; then only the new one', async () => {
  // A filter no later event matches: test events bypass filters, so only they arrive here.
  const ep = await createEndpoint('/rotated', { event_types: ['connection.deleted'] });
  const rotated = await call('POST', `/v1/webhook-endpoints/${ep.id}/rotate-secret`);
  assert.equal(rotated.statusCode, 200);
  const next = rotated.json().secret as string;
  secretsSeen.push(next);
  assert.notEqual(next, ep.secret);
  const overlapEnds = Date.parse(rotated.json().previous_secret_expires_at);
  assert.ok(Math.abs(overlapEnds - Date.now() - 24 * 3_600_000) < 60_000, 'the old secret signs for 24 h');
  assert.ok(!rotated.body.includes(ep.secret), 'the old secret is not shown again');

  const t1 = await call('POST', `/v1/webhook-endpoints/${ep.id}/test`);
  assert.equal(t1.statusCode, 202, t1.body);
  assert.equal(t1.json().event_type, 'webhook.test');
  await waitFor(async () => hits('/rotated').length === 1, 'test event');
  const r1 = hits('/rotated')[0]!;
  assert.equal(JSON.parse(r1.body).type, 'webhook.test');
  const sigs = String(r1.headers['webhook-signature']).split(' ');
  assert.equal(sigs.length, 2);
  const one = (sig: string) => ({ ...r1.headers, 'webhook-signature': sig });
  assert.deepEqual(
    verifyingSecrets([next, ep.secret], one(sigs[0]!), r1.body),
    [0],
    'first signature: the new secret only',
  );
  assert.deepEqual(
    verifyingSecrets([next, ep.secret], one(sigs[1]!), r1.body),
    [1],
    'second signature: the old secret only',
  );
  assert.ok(
    verifies(next, r1.headers, r1.body) && verifies(ep.secret, r1.headers, r1.body),
    'a receiver with either secret accepts',
  );

  await ctx.db.owner.query(
    "update webhook_endpoints set previous_secret_expires_at = now() - interval '1 second' where id = $1",
    [ep.id],
  );
  const t2 = await call('POST', `/v1/webhook-endpoints/${ep.id}/test`);
  assert.equal(t2.statusCode, 202, t2.body);
  await waitFor(async () => hits('/rotated').length === 2, 'second test event');
  const r2 = hits('/rotated')[1]!;
  assert.equal(String(r2.headers['webhook-signature']).split(' ').length, 1);
  assert.ok(verifies(next, r2.headers, r2.body));
  assert.ok(!verifies(ep.secret, r2.headers, r2.body), 'the old secret no longer signs');
});

test('response excerpts are cut to 1 KB and scrubbed of the secrets and signatures a receiver echoes', async () => {
  let echoed = '';
  const ep = await createEndpoint('/echo');
  answers.set('/echo', (_n, r) => {
    echoed = String(r.headers['webhook-signature']);
    return {
      status: 200,
      body: JSON.stringify({
        signature: echoed,
        note: `got ${echoed} with ${ep.secret}`,
        access_token: 'tok-123456',
        pad: 'x'.repeat(3000),
      }),
    };
  });
  const eventId = await record('webhook.received', { provider: 'shopify' });
  const d = await waitDelivery(ep.id, eventId, 'succeeded');
  const excerpt: string = d.last_response_excerpt;
  assert.ok(Buffer.byteLength(excerpt) <= 1024);
  assert.ok(!excerpt.includes(echoed.slice(3)), 'no signature');
  assert.ok(!excerpt.includes(ep.secret.slice(6)), 'no secret');
  assert.ok(!excerpt.includes('tok-123456'), 'no token-like value');
  assert.match(excerpt, /\[redacted\]/);
  assert.equal(responseExcerpt('é'.repeat(600), []).endsWith('é'), true, 'cut on a character boundary');
});

test('secrets are stored sealed and never appear in responses after creation or in any log line', async () => {
  const ep = await createEndpoint('/quiet', { description: 'quiet one' });
  const responses = [
    await call('GET', '/v1/webhook-endpoints?limit=200'),
    await call('GET', `/v1/webhook-endpoints/${ep.id}`),
    await call('PATCH', `/v1/webhook-endpoints/${ep.id}`, { description: 'renamed' }),
    await call('GET', `/v1/webhook-endpoints/${ep.id}/deliveries`),
    await call('POST', `/v1/webhook-endpoints/${ep.id}/test`),
  ];
  const { rows } = await ctx.db.owner.query(
    'select secret::text as s, previous_secret::text as p from webhook_endpoints',
  );
  for (const secret of secretsSeen) {
    const b64 = secret.slice('whsec_'.length);
    for (const res of responses) assert.ok(!res.body.includes(b64), 'a response leaks a secret');
    for (const r of rows) assert.ok(!`${r.s}${r.p}`.includes(b64), 'stored sealed, not in the clear');
    for (const line of ctx.logLines) assert.ok(!line.includes(b64), `log line leaks a secret: ${line.slice(0, 200)}`);
  }
  assert.ok(
    ctx.logLines.some((l) => l.includes('webhook delivery attempt failed')),
    'failures were logged (without secrets)',
  );
  assert.equal(
    responses[0]!.json().data.every((e: Record<string, unknown>) => !('secret' in e)),
    true,
  );
});

test('only http(s) URLs to allowed addresses are accepted, and pagination works', async () => {
  const ftp = await call('POST', '/v1/webhook-endpoints', { url: 'ftp://example.com/hook' });
  assert.equal(ftp.statusCode, 400);
  const priv = await call('POST', '/v1/webhook-endpoints', { url: 'http://10.1.2.3/hook' });
  assert.equal(priv.statusCode, 422);
  assert.equal(priv.json().error.code, 'unprocessable');
  const creds = await call('POST', '/v1/webhook-endpoints', { url: 'http://user:pw@127.0.0.1/hook' });
  assert.equal(creds.statusCode, 400);

  const seen = new Set<string>();
  let cursor: string | null = null;
  do {
    const res = await call('GET', `/v1/webhook-endpoints?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(res.statusCode, 200);
    for (const e of res.json().data) seen.add(e.id);
    cursor = res.json().next_cursor;
  } while (cursor);
  const total = (
    await ctx.db.owner.query('select count(*)::int as n from webhook_endpoints where org_id = $1', [org.id])
  ).rows[0].n;
  assert.equal(seen.size, total);
});

test('org A cannot see or touch org B endpoints and deliveries through any route', async () => {
  answers.set('/b', () => ({ status: 200 }));
  const b = await createEndpoint('/b', {}, other.key);
  const eventId = await record('sync.completed', { connection_id: 'b-1' }, other.id);
  const bDelivery = await waitDelivery(b.id, eventId, 'succeeded');

  const paths: ['GET' | 'POST' | 'PATCH' | 'DELETE', string, object?][] = [
    ['GET', `/v1/webhook-endpoints/${b.id}`],
    ['PATCH', `/v1/webhook-endpoints/${b.id}`, { url: `${base}/stolen`, status: 'disabled' }],
    ['POST', `/v1/webhook-endpoints/${b.id}/rotate-secret`],
    ['GET', `/v1/webhook-endpoints/${b.id}/deliveries`],
    ['POST', `/v1/webhook-endpoints/${b.id}/test`],
    ['DELETE', `/v1/webhook-endpoints/${b.id}`],
    ['GET', `/v1/webhook-deliveries/${bDelivery.id}`],
    ['POST', `/v1/webhook-deliveries/${bDelivery.id}/redeliver`],
  ];
  for (const [method, url, payload] of paths) {
    const res = await call(method, url, payload);
    assert.equal(res.statusCode, 404, `${method} ${url}`);
    assert.ok(!res.body.includes(b.secret.slice(6)));
  }
  const list = (await call('GET', '/v1/webhook-endpoints?limit=200')).json();
  assert.ok(list.data.every((e: { id: string }) => e.id !== b.id));
  // Org A's events never reach org B's endpoint.
  assert.ok(hits('/b').every((r) => r.headers['webhook-id'] === eventId));

  const still = (await call('GET', `/v1/webhook-endpoints/${b.id}`, undefined, other.key)).json();
  assert.equal(still.status, 'active');
  assert.equal(still.url, `${base}/b`);
  assert.equal(still.previous_secret_expires_at, null, 'not rotated');
  assert.equal((await attemptsOf(bDelivery.id)).length, 1, 'not redelivered');
  assert.equal(hits('/b').length, 1);

  // Every route of these plugins is covered above, and the OpenAPI document builds.
  const doc = (await api.inject({ method: 'GET', url: '/openapi.json' })).json<{
    paths: Record<string, Record<string, unknown>>;
  }>();
  const routes = Object.entries(doc.paths).flatMap(([p, ops]) =>
    Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replaceAll('{id}', ':id')}`),
  );
  const covered = new Set([
    ...paths.map(([m, u]) => `${m} ${u.replace(b.id, ':id').replace(bDelivery.id, ':id')}`),
    'GET /v1/webhook-endpoints',
    'POST /v1/webhook-endpoints',
  ]);
  for (const r of routes) assert.ok(covered.has(r), `route ${r} needs a cross-org check`);
});

test('deleting an endpoint removes it and its delivery log', async () => {
  const ep = await createEndpoint('/deleted');
  const eventId = await record('sync.completed', { connection_id: 'c-9' });
  await waitDelivery(ep.id, eventId, 'succeeded');
  const del = await call('DELETE', `/v1/webhook-endpoints/${ep.id}`);
  assert.equal(del.statusCode, 200);
  assert.deepEqual(del.json(), { id: ep.id, deleted: true });
  assert.equal((await call('GET', `/v1/webhook-endpoints/${ep.id}`)).statusCode, 404);
  assert.equal((await call('DELETE', `/v1/webhook-endpoints/${ep.id}`)).statusCode, 404);
  assert.equal(await deliveryOf(ep.id, eventId), undefined);
});
