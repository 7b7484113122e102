import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../src/core/clock.ts';
import { startWorker, type WorkerHandle } from '../../src/jobs/runtime.ts';
import { allTasks } from '../../src/jobs/tasks/index.ts';
import { startTracing, type TracingHandle } from '../../src/observability/tracing.ts';
import { sandbox as googleSandbox, type GoogleAdsRunningSandbox } from '../../src/providers/google-ads/sandbox.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';
import { waitFor } from '../helpers/wait.ts';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: Record<string, unknown> }[];
}

/** A loopback OTLP/HTTP (JSON) receiver: keeps every span posted to /v1/traces. */
const spans: OtlpSpan[] = [];
const paths: string[] = [];
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
    };
    for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});

let sb: GoogleAdsRunningSandbox;
let ctx: TestContext;
let worker: WorkerHandle;
let tracing: TracingHandle;

before(async () => {
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const port = (receiver.address() as AddressInfo).port;
  tracing = startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }, 'plexus-test')!;
  assert.ok(tracing, 'tracing starts when the endpoint is set');
  sb = await googleSandbox.start({ seed: 3, size: 10 });
  ctx = await createTestContext({
    env: {
      PLEXUS_GOOGLE_ADS_CLIENT_ID: sb.clientId,
      PLEXUS_GOOGLE_ADS_CLIENT_SECRET: sb.clientSecret,
      PLEXUS_GOOGLE_ADS_DEVELOPER_TOKEN: sb.developerToken,
      PLEXUS_GOOGLE_ADS_BASE_URL: sb.url,
    },
  });
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
  await worker?.stop();
  await ctx?.close();
  await sb?.close();
  await tracing?.shutdown();
  receiver.close();
});

test('tracing is off without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  assert.equal(startTracing({}), undefined);
});

test("a sync's spans reach an OTLP receiver as one trace: the operation at the root, platform calls and database work beneath it", async () => {
  const org = await newOrg(ctx);
  const t = sb.mintToken({ offline: true, ttlSeconds: 3600 });
  const conn = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'google-ads',
    { kind: 'oauth2', accessToken: t.accessToken, refreshToken: t.refreshToken! },
    { expiresAt: new Date(Date.now() + 3600_000) },
  );
  const started = await ctx.app.inject({
    method: 'POST',
    url: `/v1/connections/${conn}/syncs`,
    headers: auth(org.key),
  });
  assert.equal(started.statusCode, 202);
  const op = await waitFor(
    async () => {
      const r = (
        await ctx.app.inject({
          method: 'GET',
          url: `/v1/operations?connection_id=${conn}&type=sync`,
          headers: auth(org.key),
        })
      ).json();
      return r.data[0]?.status === 'success' ? (r.data[0] as { trace_id: string; id: string }) : undefined;
    },
    'the sync operation to succeed',
    60_000,
    200,
  );
  await tracing.flush();
  const trace = await waitFor(
    async () => {
      const mine = spans.filter((s) => s.traceId === op.trace_id);
      return mine.some((s) => s.name === 'operation sync') ? mine : undefined;
    },
    'the spans of the sync',
    30_000,
    100,
  );
  assert.ok(
    paths.every((p) => p.startsWith('POST /v1/traces application/json')),
    paths.join('; '),
  );

  const roots = trace.filter((s) => !s.parentSpanId);
  assert.equal(roots.length, 1, 'one root');
  const root = roots[0]!;
  assert.equal(root.name, 'operation sync');
  const attr = (s: OtlpSpan, key: string) => s.attributes?.find((a) => a.key === key)?.value;
  assert.deepEqual(attr(root, 'plexus.operation.id'), { stringValue: op.id });
  const ids = new Set(trace.map((s) => s.spanId));
  for (const s of trace) if (s !== root) assert.ok(ids.has(s.parentSpanId!), `${s.name}: its parent is in the trace`);

  // Platform calls: client spans directly under the operation, one per call the sandbox saw.
  const calls = trace.filter((s) => s.name.startsWith('GET ') || s.name.startsWith('POST '));
  assert.ok(calls.length > 0);
  for (const c of calls) {
    assert.equal(c.parentSpanId, root.spanId, `${c.name} is a child of the operation`);
    assert.equal(c.kind, 3, 'SPAN_KIND_CLIENT');
    assert.ok(attr(c, 'http.response.status_code'));
  }
  assert.equal(calls.length, sb.requests.entries({}).filter((r) => !r.path.startsWith('/__sandbox')).length);
  // Database work: transactions under the operation.
  const dbSpans = trace.filter((s) => s.name === 'db.transaction');
  assert.ok(dbSpans.length > 0);
  assert.ok(dbSpans.every((s) => s.parentSpanId === root.spanId));
});
