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
import { systemClock } from '../../src/core/clock.ts';
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

function plexus(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PLEXUS_URL: url, PLEXUS_API_KEY: org.key, PLEXUS_ADMIN_TOKEN: TEST_ADMIN_TOKEN, PLEXUS_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'), ...env },
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
  worker = await startWorker({ db: ctx.db, keyring: ctx.keyring, log: ctx.log, clock: systemClock, tasks: allTasks, ...ctx.config.worker, providers: ctx.providers });
  conn = await seedConnection(ctx.db, ctx.keyring, org.id, 'meta', { kind: 'oauth2', accessToken: 'tok-cli', refreshToken: 'ref-cli' }, { expiresAt: new Date(Date.now() + 86_400_000) });
  await ctx.db.owner.query("insert into sync_runs (org_id, connection_id, reason, status, pages, records, finished_at) values ($1, $2, 'schedule', 'completed', 3, 120, now())", [org.id, conn]);
  batchId = (await ctx.db.owner.query("insert into publish_batches (org_id, status, total, done, failed, started_at) values ($1, 'running', 4, 1, 1, now()) returning id", [org.id])).rows[0].id;
  deadLetterId = (
    await ctx.db.owner.query(
      "insert into dead_letters (org_id, job_id, task, payload, attempts, error_code, error_message) values ($1, 987654, 'sync_connection', $2, 25, 'provider.unavailable', 'Meta is down') returning id",
      [org.id, { org_id: org.id, connection_id: conn, reason: 'schedule' }],
    )
  ).rows[0].id;
  const ep = await ctx.app.inject({ method: 'POST', url: '/v1/webhook-endpoints', headers: { authorization: `Bearer ${org.key}` }, payload: { url: `${url}/hook-sink` } });
  assert.equal(ep.statusCode, 201, ep.body);
  endpointId = ep.json().id;
});
after(async () => {
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
  assert.deepEqual({ ...JSON.parse(show.stdout), created_at: undefined }, { id: org.id, name: 'Acme CLI', created_at: undefined, connections: 1, active_api_keys: 1, dead_letters: 1 });
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
});

test('syncs of a connection with progress', async () => {
  const r = await plexus(['syncs', conn, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).map((s: any) => [s.status, s.pages, s.records]), [['completed', 3, 120]]);
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
  assert.match(list.stdout, new RegExp(`${deadLetterId}\\s+sync_connection\\s+25\\s+provider.unavailable\\s+Meta is down`));
  const replay = await plexus(['dead-letters', 'replay', deadLetterId]);
  assert.equal(replay.code, 0, replay.stderr);
  assert.match(replay.stdout, /Replayed as job \d+/);
  const again = await plexus(['dead-letters', 'replay', deadLetterId]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /conflict: This dead letter was already replayed/);
});

test('webhook deliveries of an endpoint', async () => {
  await ctx.app.inject({ method: 'POST', url: `/v1/webhook-endpoints/${endpointId}/test`, headers: { authorization: `Bearer ${org.key}` } });
  const r = await plexus(['deliveries', endpointId]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /webhook\.test/);
  assert.equal(JSON.parse((await plexus(['deliveries', endpointId, '--json'])).stdout).length, 1);
});

test('doctor: every check passes against a healthy Plexus; an unreachable platform origin or Plexus fails with its exit code', async () => {
  await waitFor(async () => (await fetch(`${url}/healthz`)).status === 200, 'a healthy Plexus', 30_000);
  const ok = await plexus(['doctor', '--json'], { PLEXUS_META_BASE_URL: url });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const report = JSON.parse(ok.stdout);
  assert.deepEqual(
    report.checks.map((c: any) => [c.check, c.ok]),
    [['configuration', true], ['plexus', true], ['database', true], ['migrations', true], ['workers', true], ['platform versions', true], ['reach PLEXUS_META_BASE_URL', true]],
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
