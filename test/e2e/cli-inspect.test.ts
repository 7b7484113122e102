/**
 * Every inspection command of the `plexus` CLI, run as a real process against a Plexus
 * listening on loopback (with a worker, so `doctor` sees a heartbeat): tables, --json, and
 * exit codes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { createProviderRuntime } from '../../src/providers/runtime.ts';
import { startWorker, type WorkerHandle } from '../../src/jobs/runtime.ts';
import { allTasks } from '../../src/jobs/tasks/index.ts';
import { createTestContext, newOrg, TEST_ADMIN_TOKEN, type TestContext } from '../helpers/app.ts';
import { seedConnection } from '../helpers/connections.ts';
import { ROOT } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait.ts';

let ctx: TestContext;
let worker: WorkerHandle;
let url: string;
let org: { id: string; key: string };
let conn: string;
let batchId: string;
let deadLetterId: string;
let endpointId: string;
let syncOp: string;
let refreshOp: string;
let oldVersions: { app: FastifyInstance; url: string; violations: string[]; close(): Promise<void> };

function plexus(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts'), ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PLEXUS_URL: url,
        PLEXUS_API_KEY: org.key,
        PLEXUS_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        PLEXUS_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  ctx = await createTestContext();
  url = await ctx.listen();
  org = await newOrg(ctx, 'Acme CLI');
  worker = await startWorker({
    db: ctx.db,
    keyring: ctx.keyring,
    log: ctx.log,
    clock: systemClock,
    tasks: allTasks,
    ...ctx.config.worker,
    providers: ctx.providers,
  });
  conn = await seedConnection(
    ctx.db,
    ctx.keyring,
    org.id,
    'meta',
    { kind: 'oauth2', accessToken: 'tok-cli', refreshToken: 'ref-cli' },
    { expiresAt: new Date(Date.now() + 86_400_000) },
  );
  await ctx.db.owner.query(
    "insert into sync_runs (org_id, connection_id, reason, status, pages, records, finished_at) values ($1, $2, 'schedule', 'completed', 3, 120, now())",
    [org.id, conn],
  );
  batchId = (
    await ctx.db.owner.query(
      "insert into publish_batches (org_id, status, total, done, failed, started_at) values ($1, 'running', 4, 1, 1, now()) returning id",
      [org.id],
    )
  ).rows[0].id;
  deadLetterId = (
    await ctx.db.owner.query(
      "insert into dead_letters (org_id, job_id, task, payload, attempts, error_code, error_message) values ($1, 987654, 'sync_connection', $2, 25, 'provider.unavailable', 'Meta is down') returning id",
      [org.id, { org_id: org.id, connection_id: conn, reason: 'schedule' }],
    )
  ).rows[0].id;
  const ep = await ctx.app.inject({
    method: 'POST',
    url: '/v1/webhook-endpoints',
    headers: { authorization: `Bearer ${org.key}` },
    payload: { url: `${url}/hook-sink` },
  });
  assert.equal(ep.statusCode, 201, ep.body);
  endpointId = ep.json().id;
  // The operations log as the recorder writes it: a failed sync with a platform call, and the token refresh it ran.
  syncOp = randomUUID();
  refreshOp = randomUUID();
  const op =
    "insert into operations (org_id, id, parent_id, type, connection_id, provider, actor, status, started_at, ended_at, summary, error_code, error_message, job_id, attempt) values ($1, $2, $3, $4, $5, 'meta', 'job:sync_connection', $6, $7, $8, $9, $10, $11, '4242', 1)";
  await ctx.db.owner.query(op, [
    org.id,
    syncOp,
    null,
    'sync',
    conn,
    'failed',
    new Date(Date.now() - 60_000),
    new Date(Date.now() - 58_000),
    { pages: 1, http_calls: 2 },
    'provider.rate_limited',
    'User request limit reached',
  ]);
  await ctx.db.owner.query(op, [
    org.id,
    refreshOp,
    syncOp,
    'token_refresh',
    conn,
    'success',
    new Date(Date.now() - 59_500),
    new Date(Date.now() - 59_000),
    { http_calls: 1 },
    null,
    null,
  ]);
  const http = {
    method: 'GET',
    path: '/{version}/{ad_account_id}/insights',
    query: {},
    host: 'graph.facebook.com',
    status: 429,
    duration_ms: 96,
    attempt: 1,
    rate_limit: {},
    request_id: 'fb-req-1',
    error_excerpt: '{"error":{"code":17}}',
    error_code: 'provider.rate_limited',
  };
  await ctx.db.owner.query(
    "insert into operation_messages (org_id, operation_id, seq, at, level, kind, message, http) values ($1, $2, 1, now() - interval '59 seconds', 'info', 'log', 'sync started (schedule)', null), ($1, $2, 2, now() - interval '58 seconds', 'warn', 'http', 'GET graph.facebook.com insights -> 429', $3)",
    [org.id, syncOp, http],
  );
  // The same Plexus (same database, so the worker's heartbeat counts) configured with Meta's
  // v24.0, whose sunset has passed, and a TikTok version the definitions have no dates for.
  const providers = createProviderRuntime(systemClock, {
    PLEXUS_META_VERSION: 'v24.0',
    PLEXUS_TIKTOK_VERSION: 'v0.9',
    PLEXUS_SSRF_ALLOW_HOSTS: '127.0.0.1:*',
  });
  const violations: string[] = [];
  const app = await buildApp({
    config: ctx.config,
    db: ctx.db,
    keyring: ctx.keyring,
    log: ctx.log,
    clock: systemClock,
    metrics: createMetrics(ctx.db),
    providers,
    ssrf: providers.ssrf,
    publicUrl: () => 'http://plexus.test',
    responseViolations: violations,
  });
  oldVersions = {
    app,
    violations,
    url: await app.listen({ host: '127.0.0.1', port: 0 }),
    close: async () => (await app.close(), await providers.close()),
  };
});
after(async () => {
  await oldVersions?.close();
  await worker?.stop();
  await ctx?.close();
});

test('orgs list and orgs show (admin token), as a table and as JSON', async () => {
  const list = await plexus(['orgs', 'list']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^ID\s+NAME\s+CONNECTIONS/m);
  assert.match(list.stdout, new RegExp(`${org.id}\\s+Acme CLI\\s+1\\s+1\\s+1`));
  const show = await plexus(['orgs', 'show', org.id, '--json']);
  assert.equal(show.code, 0, show.stderr);
  assert.deepEqual(
    { ...JSON.parse(show.stdout), created_at: undefined },
    { id: org.id, name: 'Acme CLI', created_at: undefined, connections: 1, active_api_keys: 1, dead_letters: 1 },
  );
  const wrong = await plexus(['orgs', 'list'], { PLEXUS_ADMIN_TOKEN: 'not-the-admin-token-at-all-000' });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /forbidden/);
  const missing = await plexus(['orgs', 'show', randomUUID()]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /not_found/);
});

test('connections list and show with recent syncs', async () => {
  const list = await plexus(['connections', 'list']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, new RegExp(`${conn}\\s+meta\\s+active`));
  const show = await plexus(['connections', 'show', conn]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /provider\s+meta/);
  assert.match(show.stdout, /Recent syncs/);
  assert.match(show.stdout, /completed\s+schedule\s+3\s+120/);
  const json = JSON.parse((await plexus(['connections', 'show', conn, '--json'])).stdout);
  assert.equal(json.connection.id, conn);
  assert.equal(json.syncs.length, 1);
  // Diagnostics from GET /v1/connections/:id/diagnostics: the failed sync, the rate limit, the failing call.
  assert.equal(json.diagnostics.connection_id, conn);
  assert.deepEqual(json.diagnostics.work.map((w: any) => w.type).sort(), ['sync', 'token_refresh']);
  assert.match(show.stdout, /Diagnostics\nhealth\s+(healthy|degraded|failing)/);
  assert.match(show.stdout, /sync\s+-\s+\S+\s+provider\.rate_limited User request limit reached/);
  assert.match(
    show.stdout,
    /Recent failing calls\n.*\n\S+\s+429\s+GET graph\.facebook\.com\/\{version\}\/\{ad_account_id\}\/insights/,
  );
  const missing = await plexus(['connections', 'show', randomUUID()]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /not_found/);
});

test('operations list with filters as flags, and operations show with messages and children', async () => {
  const list = await plexus(['operations']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^ID\s+TYPE\s+STATUS\s+PROVIDER/m);
  assert.match(
    list.stdout,
    new RegExp(
      `${syncOp}\\s+sync\\s+failed\\s+meta\\s+${conn}\\s+\\S+\\s+2000\\s+provider.rate_limited: User request limit reached`,
    ),
  );
  const failed = JSON.parse(
    (await plexus(['operations', 'list', '--status', 'failed', '--type', 'sync', '--connection', conn, '--json']))
      .stdout,
  );
  assert.deepEqual(
    failed.map((o: any) => o.id),
    [syncOp],
  );
  const refreshes = JSON.parse((await plexus(['operations', '--type', 'token_refresh', '--json'])).stdout);
  assert.deepEqual(
    refreshes.map((o: any) => o.id),
    [refreshOp],
  );
  const searched = JSON.parse((await plexus(['operations', '--search', 'started (schedule)', '--json'])).stdout);
  assert.deepEqual(
    searched.map((o: any) => o.id),
    [syncOp],
  );
  assert.equal(JSON.parse((await plexus(['operations', '--limit', '1', '--json'])).stdout).length, 1);
  assert.equal(
    JSON.parse((await plexus(['operations', '--since', new Date(Date.now() + 60_000).toISOString(), '--json'])).stdout)
      .length,
    0,
  );
  const show = await plexus(['operations', 'show', syncOp]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /summary\s+pages=1 http_calls=2/);
  assert.match(
    show.stdout,
    /Messages\n.*\n1\s+\S+\s+info\s+log\s+-\s+-\s+sync started \(schedule\)\n2\s+\S+\s+warn\s+http\s+429\s+96\s+GET graph.facebook.com insights -> 429/,
  );
  assert.match(show.stdout, new RegExp(`Inside it\\n.*\\n${refreshOp}\\s+token_refresh\\s+success`));
  const json = JSON.parse((await plexus(['operations', 'show', syncOp, '--json'])).stdout);
  assert.deepEqual([json.messages.length, json.children[0].id], [2, refreshOp]);
  // A status the API does not know is refused (1); a flag the command does not take is wrong usage (64).
  const bad = await plexus(['operations', '--status', 'bogus']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /validation_failed/);
  const unknownFlag = await plexus(['operations', '--actor-type', 'admin']);
  assert.equal(unknownFlag.code, 64);
  assert.match(unknownFlag.stderr, /unknown option --actor-type/);
  assert.equal((await plexus(['operations', '--limit', 'many'])).code, 64);
  assert.equal((await plexus(['operations', 'show'])).code, 64);
  assert.equal((await plexus(['operations', 'show', randomUUID()])).code, 1);
  assert.equal((await plexus(['connections', 'list', '--status', 'active'])).code, 64);
});

test('audit with filters as flags', async () => {
  const list = await plexus(['audit']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^AT\s+BY\s+ACTION\s+ON/m);
  assert.match(
    list.stdout,
    new RegExp(`api_key plx_\\S+\\s+webhook_endpoint.create\\s+webhook_endpoint ${endpointId}`),
  );
  const family = JSON.parse(
    (await plexus(['audit', 'list', '--action', 'webhook_endpoint.', '--target-type', 'webhook_endpoint', '--json']))
      .stdout,
  );
  assert.deepEqual(
    family.map((e: any) => [e.action, e.target.id]),
    [['webhook_endpoint.create', endpointId]],
  );
  assert.deepEqual(JSON.parse((await plexus(['audit', '--actor-type', 'admin', '--json'])).stdout), []);
  assert.deepEqual(JSON.parse((await plexus(['audit', '--until', '2020-01-01', '--json'])).stdout), []);
  const bad = await plexus(['audit', '--since', 'yesterday-ish']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /validation_failed/);
  assert.equal((await plexus(['audit', '--search', 'x'])).code, 64);
  const noKey = await plexus(['audit'], { PLEXUS_API_KEY: '' });
  assert.equal(noKey.code, 64);
});

test('syncs of a connection with progress', async () => {
  const r = await plexus(['syncs', conn, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    JSON.parse(r.stdout).map((s: any) => [s.status, s.pages, s.records]),
    [['completed', 3, 120]],
  );
});

test('publishes list and show with progress', async () => {
  const list = await plexus(['publishes']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, new RegExp(`${batchId}\\s+running\\s+false\\s+2/4 \\(50%\\)`));
  const show = await plexus(['publishes', 'show', batchId]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /progress\s+2\/4 \(50%\)/);
});

test('dead-letters list and replay', async () => {
  const list = await plexus(['dead-letters', 'list']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(
    list.stdout,
    new RegExp(`${deadLetterId}\\s+sync_connection\\s+25\\s+provider.unavailable\\s+Meta is down`),
  );
  const replay = await plexus(['dead-letters', 'replay', deadLetterId]);
  assert.equal(replay.code, 0, replay.stderr);
  assert.match(replay.stdout, /Replayed as job \d+/);
  const again = await plexus(['dead-letters', 'replay', deadLetterId]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /conflict: This dead letter was already replayed/);
});

test('webhook deliveries of an endpoint', async () => {
  await ctx.app.inject({
    method: 'POST',
    url: `/v1/webhook-endpoints/${endpointId}/test`,
    headers: { authorization: `Bearer ${org.key}` },
  });
  const r = await plexus(['deliveries', endpointId]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /webhook\.test/);
  // Only the test event: the replayed sync above may have sent its own event by now.
  assert.equal(
    JSON.parse((await plexus(['deliveries', endpointId, '--json'])).stdout).filter(
      (d: any) => d.event_type === 'webhook.test',
    ).length,
    1,
  );
});

test('doctor: every check passes against a healthy Plexus; an unreachable platform origin or Plexus fails with its exit code', async () => {
  await waitFor(async () => (await fetch(`${url}/healthz`)).status === 200, 'a healthy Plexus', 30_000);
  const ok = await plexus(['doctor', '--json'], { PLEXUS_META_BASE_URL: url });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const report = JSON.parse(ok.stdout);
  assert.deepEqual(
    report.checks.map((c: any) => [c.check, c.ok]),
    [
      ['configuration', true],
      ['plexus', true],
      ['database', true],
      ['migrations', true],
      ['workers', true],
      ['platform versions', true],
      ['reach PLEXUS_META_BASE_URL', true],
    ],
  );
  const unreachable = await plexus(['doctor'], { PLEXUS_META_BASE_URL: 'http://127.0.0.1:9' });
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stdout, /reach PLEXUS_META_BASE_URL\s+FAIL/);
  const down = await plexus(['connections', 'list'], { PLEXUS_URL: 'http://127.0.0.1:9' });
  assert.equal(down.code, 2);
  assert.match(down.stderr, /cannot reach Plexus/);
  const usage = await plexus(['connections', 'show']);
  assert.equal(usage.code, 64);
});

test('doctor reports platform versions from GET /v1/providers: a passed sunset fails, an undated version is named', async () => {
  const current = JSON.parse((await plexus(['doctor', '--json'])).stdout);
  assert.equal(current.platform_versions.length, 12);
  assert.ok(current.platform_versions.every((v: any) => v.state !== 'sunset_passed'));
  const r = await plexus(['doctor', '--json'], { PLEXUS_URL: oldVersions.url });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout);
  const check = report.checks.find((c: any) => c.check === 'platform versions');
  assert.equal(check.ok, false);
  assert.match(check.detail, /meta v24\.0 passed its sunset 2026-11-10; move to v\d+\.0/);
  assert.match(check.detail, /tiktok v0\.9 has no known sunset date/);
  assert.deepEqual(
    report.checks.filter((c: any) => !c.ok).map((c: any) => c.check),
    ['platform versions'],
  );
  assert.deepEqual(
    report.platform_versions.find((v: any) => v.provider === 'meta'),
    {
      provider: 'meta',
      api_version: 'v24.0',
      state: 'sunset_passed',
      sunset: '2026-11-10',
      days_to_sunset: report.platform_versions.find((v: any) => v.provider === 'meta').days_to_sunset,
      tentative: false,
      move_to: report.platform_versions.find((v: any) => v.provider === 'meta').move_to,
    },
  );
  const human = await plexus(['doctor'], { PLEXUS_URL: oldVersions.url });
  assert.equal(human.code, 1);
  assert.match(human.stdout, /platform versions\s+FAIL\s+meta v24\.0 passed/);
  assert.match(human.stdout, /Platform versions to act on\nPROVIDER.*\nmeta\s+v24\.0\s+sunset_passed\s+2026-11-10/);
  assert.match(human.stdout, /tiktok\s+v0\.9\s+unknown/);
  assert.deepEqual(oldVersions.violations, []);
});
