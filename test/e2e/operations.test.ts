import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../src/core/clock.ts';
import { startWorker, type WorkerHandle } from '../../src/jobs/runtime.ts';
import { allTasks } from '../../src/jobs/tasks/index.ts';
import { sandbox as googleSandbox, type GoogleAdsRunningSandbox } from '../../src/providers/google-ads/sandbox.ts';
import { auth, createTestContext, newOrg, type TestContext } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The operator's path: a sync meets a 429 storm, then a dead token; everything needed to
 * tell why is found through the API (operations, their calls, the refresh failure with the
 * platform's message, the connection's diagnostics) and in /metrics.
 */
let sb: GoogleAdsRunningSandbox;
let ctx: TestContext;
let worker: WorkerHandle;
let org: { id: string; key: string };
let other: { id: string; key: string };
let conn: string;
let grant: { accessToken: string; refreshToken?: string; grantId: string };
let base: string | undefined;

before(async () => {
  sb = await googleSandbox.start({ seed: 7, size: 10 });
  ctx = await createTestContext({
    env: {
      PLEXUS_GOOGLE_ADS_CLIENT_ID: sb.clientId,
      PLEXUS_GOOGLE_ADS_CLIENT_SECRET: sb.clientSecret,
      PLEXUS_GOOGLE_ADS_DEVELOPER_TOKEN: sb.developerToken,
      PLEXUS_GOOGLE_ADS_BASE_URL: sb.url,
    },
  });
  org = await newOrg(ctx, 'Operator');
  other = await newOrg(ctx, 'Other');
  grant = sb.mintToken({ offline: true, ttlSeconds: 3600 });
  conn = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'google-ads',
    { kind: 'oauth2', accessToken: grant.accessToken, refreshToken: grant.refreshToken! },
    { expiresAt: new Date(Date.now() + 3600_000) },
  );
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
});

async function get(url: string, key = org.key): Promise<{ status: number; body: any }> {
  const res = await ctx.app.inject({ method: 'GET', url, headers: auth(key) });
  return { status: res.statusCode, body: res.json() };
}

test('a sync through a 429 storm and a dead token: the operations, throttled calls, refresh failure and diagnostics are all in the API', async () => {
  // Three throttled answers (Google's 429 RESOURCE_EXHAUSTED with a 1 s retryDelay), then a
  // revoked grant: the access token answers 401 and the refresh token invalid_grant.
  sb.faults.add({ kind: 'rate_limit', pathPrefix: '/customers', times: 3, retryAfterSeconds: 1 });
  sb.tokens.revokeGrant(grant.grantId);
  const started = await ctx.app.inject({
    method: 'POST',
    url: `/v1/connections/${conn}/syncs`,
    headers: auth(org.key),
  });
  assert.equal(started.statusCode, 202);

  // Four attempts: three back off after the 429, the last fails for good on the dead token.
  const ops = await waitFor(
    async () => {
      const r = await get(`/v1/operations?connection_id=${conn}&type=sync`);

      return r.body.data.some((o: any) => o.status === 'failed') ? r.body.data : undefined;
    },
    'the sync to fail for good',
    60_000,
    200,
  );
  assert.deepEqual(
    ops.map((o: { status: string }) => o.status),
    ['failed', 'retry_scheduled', 'retry_scheduled', 'retry_scheduled'],
  );
  assert.deepEqual(
    ops.map((o: { attempt: number }) => o.attempt),
    [4, 3, 2, 1],
  );
  for (const o of ops) {
    assert.equal(o.provider, 'google-ads');
    assert.equal(o.actor, 'job:sync_connection');
    assert.match(o.trace_id, /^[0-9a-f]{32}$/);
    assert.ok(o.ended_at);
  }
  assert.equal(ops[3].error.code, 'provider.rate_limited');
  assert.match(ops[3].error.message, /Too many requests\. Retry in 1 seconds/);
  assert.equal(ops[0].error.code, 'provider.auth_revoked');

  // The throttled call, with the platform's request id and a redacted excerpt of its answer.
  const throttled = await get(`/v1/operations/${ops[3].id}`);
  assert.equal(throttled.status, 200);
  const call = throttled.body.messages.find((m: { kind: string }) => m.kind === 'http');
  assert.equal(call.http.status, 429);
  assert.equal(call.http.method, 'GET');
  assert.match(call.http.path, /^\/v\d+\/customers:listAccessibleCustomers$/);
  assert.match(call.http.request_id, /\S/, 'the platform request id header');
  assert.equal(call.http.attempt, 1);
  assert.match(call.http.error_excerpt, /RESOURCE_EXHAUSTED/);
  assert.match(call.http.error_excerpt, /"retryDelay":"1s"/);
  assert.ok(call.http.duration_ms >= 0);
  assert.equal(throttled.body.summary.rate_limited, 1);
  assert.ok(
    throttled.body.messages.some(
      (m: { level: string; message: string }) => m.level === 'error' && m.message.startsWith('provider.rate_limited'),
    ),
  );

  // The last attempt: a 401 on the dead token, then a token refresh (its own operation, a
  // child of the sync) that failed with the platform's own message.
  const last = await get(`/v1/operations/${ops[0].id}`);
  assert.ok(last.body.messages.some((m: { http: { status: number } | null }) => m.http?.status === 401));
  assert.equal(last.body.children.length, 1);
  const refresh = last.body.children[0];
  assert.equal(refresh.type, 'token_refresh');
  assert.equal(refresh.status, 'failed');
  assert.equal(refresh.trace_id, ops[0].trace_id, 'the refresh is in the sync trace');
  assert.equal(refresh.actor, 'job:sync_connection');
  assert.equal(refresh.error.message, 'Token has been expired or revoked.');
  const refreshCalls = (await get(`/v1/operations/${refresh.id}`)).body.messages.filter(
    (m: { kind: string }) => m.kind === 'http',
  );
  assert.equal(refreshCalls.length, 1);
  assert.equal(refreshCalls[0].http.method, 'POST');
  assert.equal(refreshCalls[0].http.status, 400);
  assert.match(refreshCalls[0].http.error_excerpt, /invalid_grant/);
  assert.match(refreshCalls[0].http.error_excerpt, /Token has been expired or revoked\./);

  // Filters: by status, by type, and free text over messages.
  assert.deepEqual(
    (await get(`/v1/operations?status=failed&type=token_refresh`)).body.data.map((o: { id: string }) => o.id),
    [refresh.id],
  );
  const found = (await get(`/v1/operations?q=${encodeURIComponent('expired or revoked')}`)).body.data.map(
    (o: { id: string }) => o.id,
  );
  assert.ok(found.includes(refresh.id));
  assert.equal((await get(`/v1/operations?q=RESOURCE_EXHAUSTED&connection_id=${conn}`)).body.data.length, 3);
  assert.equal((await get(`/v1/operations?provider=meta`)).body.data.length, 0);
  assert.equal(
    (await get(`/v1/operations?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body.data
      .length,
    0,
  );

  // Cursor pagination walks every operation once.
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const pageRes: { body: { data: { id: string }[]; next_cursor: string | null } } = await get(
      `/v1/operations?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
    );
    seen.push(...pageRes.body.data.map((o) => o.id));
    cursor = pageRes.body.next_cursor;
  } while (cursor);
  const all = (await get('/v1/operations?limit=200')).body.data.map((o: { id: string }) => o.id);
  assert.deepEqual(seen, all);
  assert.equal(new Set(seen).size, seen.length);

  // Diagnostics: failing, why, and what to do.
  const d = (await get(`/v1/connections/${conn}/diagnostics`)).body;
  assert.equal(d.status, 'needs_reauth');
  assert.equal(d.health, 'failing');
  assert.equal(d.token.last_refresh_error, 'Token has been expired or revoked.');
  assert.equal(d.token.consecutive_refresh_failures, 1);
  assert.equal(d.rate_limit.last_day.rate_limited, 3);
  assert.equal(d.rate_limit.last_hour.rate_limited, 3);
  assert.ok(d.rate_limit.last_day.calls >= 5);
  const sync = d.work.find((w: { type: string }) => w.type === 'sync');
  assert.equal(sync.last_success_at, null);
  assert.equal(sync.last_error.code, 'provider.auth_revoked');
  assert.equal(sync.last_error.operation_id, ops[0].id);
  assert.equal(
    d.work.find((w: { type: string }) => w.type === 'token_refresh').last_error.message,
    'Token has been expired or revoked.',
  );
  assert.deepEqual(
    d.recent_failing_calls.map((c: { http: { status: number } }) => c.http.status).sort(),
    [400, 401, 429, 429, 429],
  );
  assert.match(
    d.advice[0],
    /^Reconnect this connection: the platform refused to refresh its token \("Token has been expired or revoked\."\)/,
  );
  assert.ok(d.advice[0].includes(`"connection_id":"${conn}"`), 'says how to reconnect this connection');
  assert.ok(
    d.advice.some((a: string) => a.includes('throttling') && a.includes('PLEXUS_GOOGLE_ADS_REQUESTS_PER_MINUTE')),
  );
  assert.equal(d.circuit_breaker.state_in_this_process, 'closed');
  assert.equal(d.circuit_breaker.runs_refused_while_open_last_hour, 0);

  // Metrics of the same story.
  const metrics = (await ctx.app.inject({ method: 'GET', url: '/metrics' })).body;
  assert.match(metrics, /plexus_platform_rate_limited_total\{provider="google-ads"\} 3/);
  assert.match(metrics, /plexus_platform_calls_total\{provider="google-ads",status_class="4xx"\} 5/);
  assert.match(metrics, /plexus_job_outcomes_total\{task="sync_connection",outcome="retry"\} 3/);
  assert.match(metrics, /plexus_job_outcomes_total\{task="sync_connection",outcome="dead_letter"\} 1/);
  assert.match(metrics, /plexus_token_refreshes_total\{provider="google-ads",outcome="revoked"\} 1/);
  assert.match(metrics, /plexus_platform_backoff_seconds_total\{provider="google-ads",reason="rate_limited"\} 3/);
  assert.match(metrics, /plexus_platform_call_duration_seconds_count\{provider="google-ads"\} \d+/);

  // No secret reached the log: tokens, the client secret, the developer token.
  const dump = JSON.stringify(
    (
      await ctx.db.owner.query(
        'select o.*, m.* from operations o left join operation_messages m on m.org_id = o.org_id and m.operation_id = o.id',
      )
    ).rows,
  );
  for (const secret of [grant.accessToken, grant.refreshToken!, sb.clientSecret, sb.developerToken])
    assert.ok(!dump.includes(secret), 'a secret in the operations log');
  // Log lines written inside an operation carry its trace id.
  assert.ok(
    ctx.logLines.some((l) => l.includes(`"trace_id":"${ops[0].trace_id}"`)),
    'a log line with the trace id',
  );
});

test('operations are tenant-isolated, and bad filters are a 400', async () => {
  const mine = (await get('/v1/operations')).body.data;
  assert.ok(mine.length > 0);
  assert.equal((await get('/v1/operations', other.key)).body.data.length, 0);
  const foreign = await get(`/v1/operations/${mine[0].id}`, other.key);
  assert.equal(foreign.status, 404);
  assert.equal(foreign.body.error.code, 'not_found');
  assert.equal((await get(`/v1/connections/${conn}/diagnostics`, other.key)).status, 404);
  assert.equal((await get(`/v1/operations/${mine[0].id}/stream`, other.key)).status, 404);
  // Even a hand-written query as the application role sees no other org's rows.
  const client = await ctx.db.app.connect();
  try {
    await client.query('begin');
    await client.query(`select set_config('plexus.org_id', $1, true)`, [other.id]);
    assert.equal((await client.query('select count(*)::int as n from operations')).rows[0].n, 0);
    assert.equal((await client.query('select count(*)::int as n from operation_messages')).rows[0].n, 0);
    await client.query('rollback');
  } finally {
    client.release();
  }
  for (const q of ['status=bogus', 'connection_id=nope', 'cursor=zzz', 'since=not-a-date', 'limit=0']) {
    const r = await get(`/v1/operations?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.body.error.code, 'validation_failed', q);
  }
});

test('the live tail streams an operation as Server-Sent Events and ends with its final state', async () => {
  base ??= await ctx.listen();
  const op = (await get('/v1/operations?type=sync&status=failed')).body.data[0];
  const res = await fetch(`${base}/v1/operations/${op.id}/stream`, { headers: auth(org.key) });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const text = await res.text();
  const events = text
    .split('\n\n')
    .filter(Boolean)
    .map((block) =>
      Object.fromEntries(block.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)])),
    );
  const messages = events.filter((e) => e.event === 'message');
  const full = (await get(`/v1/operations/${op.id}`)).body.messages;
  assert.deepEqual(
    messages.map((e) => Number(e.id)),
    full.map((m: { seq: number }) => m.seq),
  );
  const end = events.at(-1)!;
  assert.equal(end.event, 'end');
  assert.equal(JSON.parse(end.data!).status, 'failed');
  // Resuming with Last-Event-ID sends only what came after.
  const resumed = await (
    await fetch(`${base}/v1/operations/${op.id}/stream`, {
      headers: { ...auth(org.key), 'last-event-id': String(full.at(-1).seq) },
    })
  ).text();
  assert.equal(resumed.split('\n\n').filter((b) => b.startsWith('id:')).length, 0);
  assert.match(resumed, /event: end/);
});

test('the live tail follows a running sync: messages arrive while it runs, then its end', async () => {
  base ??= await ctx.listen();
  const fresh = sb.mintToken({ offline: true, ttlSeconds: 3600 });
  const id = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'google-ads',
    { kind: 'oauth2', accessToken: fresh.accessToken, refreshToken: fresh.refreshToken! },
    { expiresAt: new Date(Date.now() + 3600_000) },
  );
  // Slow platform answers keep the sync running long enough to be watched.
  sb.faults.add({ kind: 'latency', latencyMs: 800, times: 6, pathPrefix: '/customers' });
  assert.equal(
    (await ctx.app.inject({ method: 'POST', url: `/v1/connections/${id}/syncs`, headers: auth(org.key) })).statusCode,
    202,
  );
  const running = await waitFor(
    async () =>
      (await get(`/v1/operations?connection_id=${id}&status=running`)).body.data[0] as { id: string } | undefined,
    'the sync to be running',
    30_000,
    50,
  );
  const res = await fetch(`${base}/v1/operations/${running.id}/stream`, { headers: auth(org.key) });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let firstMessageWhileRunning: string | undefined;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (!firstMessageWhileRunning && text.includes('event: message') && !text.includes('event: end')) {
      firstMessageWhileRunning = (await get(`/v1/operations/${running.id}`)).body.status;
    }
  }
  assert.equal(firstMessageWhileRunning, 'running', 'a message arrived before the operation ended');
  const end = text.split('\n\n').find((b) => b.startsWith('event: end'))!;
  assert.equal(JSON.parse(end.slice(end.indexOf('data: ') + 6)).status, 'success');
  const ids = text
    .split('\n\n')
    .filter((b) => b.startsWith('id:'))
    .map((b) => Number(b.slice(4, b.indexOf('\n'))));
  const full = (await get(`/v1/operations/${running.id}`)).body.messages.map((m: { seq: number }) => m.seq);
  assert.deepEqual(ids, full);
  assert.ok(ids.length >= 2);
});
