import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { plexusError } from '../core/errors.ts';
import type { Database } from '../db/database.ts';
import { ProviderHttp } from '../providers/kit/http.ts';
import { createOrg } from '../tenancy/orgs.ts';
import { createTestDatabase } from '../../test/helpers/db.ts';
import { currentOperation, noteProvider } from './context.ts';
import { errorExcerpt, pathTemplate, redactedQuery } from './platform-call.ts';
import { OperationRecorder, recorderFor } from './recorder.ts';
import { runJobAsOperation } from './job-operation.ts';
import { createLogger } from '../core/logger.ts';
import { withOperation } from './run.ts';

let db: Database;
let orgId: string;
let server: http.Server;
let base: string;
const client = new ProviderHttp({ allowHosts: new Set(['127.0.0.1:*']) });

before(async () => {
  db = await createTestDatabase();
  orgId = (await createOrg(db.owner, 'ops')).org.id;
  // A loopback "platform": throttles /limited with its headers, echoes everything else.
  server = http.createServer((req, res) => {
    if (req.url?.startsWith('/limited')) {
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': '2',
        'x-ratelimit-remaining': '0',
        'x-request-id': 'req-123',
      });
      res.end(JSON.stringify({ error: { message: 'Slow down', access_token: 'leaked-token-value' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'x-app-usage': '{"call_count":42}' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await client.close();
  server.close();
  await db.close();
});

test('paths become templates, secret query parameters and error-body fields are redacted, excerpts are bounded', () => {
  assert.equal(
    pathTemplate('/v22/customers/1234567890/googleAds:searchStream'),
    '/v22/customers/{id}/googleAds:searchStream',
  );
  assert.equal(pathTemplate('/v19.0/act_123456/campaigns'), '/v19.0/act_{id}/campaigns');
  assert.equal(pathTemplate('/items/6f1c2d3e-1111-4222-8333-944445555666'), '/items/{uuid}');
  assert.equal(pathTemplate('/wp/v2/posts'), '/wp/v2/posts');
  const q = redactedQuery(
    new URLSearchParams({
      access_token: 'a',
      client_secret: 'b',
      fb_exchange_token: 'c',
      appsecret_proof: 'd',
      code: 'e',
      fields: 'id,name',
      limit: '100',
    }),
  );
  assert.deepEqual(q, {
    access_token: '[redacted]',
    client_secret: '[redacted]',
    fb_exchange_token: '[redacted]',
    appsecret_proof: '[redacted]',
    code: '[redacted]',
    fields: 'id,name',
    limit: '100',
  });
  assert.equal(
    errorExcerpt('{"error":"invalid_grant","refresh_token":"r-123"}'),
    '{"error":"invalid_grant","refresh_token":"[redacted]"}',
  );
  assert.equal(errorExcerpt('denied for Bearer abc.def token=xyz'), 'denied for Bearer [redacted] token=[redacted]');
  assert.equal(errorExcerpt('x'.repeat(5000)).length, 1001);
});

test('an operation records its platform calls (status, headers, request id, redacted excerpt) in a batch, with its counts', async () => {
  const recorder = new OperationRecorder(db.owner);
  let opId = '';
  await withOperation(recorder, { orgId, type: 'sync', actor: 'test' }, async (op) => {
    opId = op.id;
    noteProvider('meta');
    await client.send({ method: 'GET', url: `${base}/v19.0/act_998877/insights?access_token=secret-at&fields=spend` });
    await client.send({ method: 'GET', url: `${base}/limited/123456?client_secret=cs` });
    op.addCounts({ records: 7, pages: 2, listing: 'full' });
  });
  await recorder.flush();
  const op = (await db.owner.query('select * from operations where id = $1', [opId])).rows[0];
  assert.equal(op.status, 'success');
  assert.equal(op.provider, 'meta');
  assert.deepEqual(op.summary, { platform_calls: 2, platform_errors: 1, rate_limited: 1, records: 7, pages: 2 });
  const msgs = (
    await db.owner.query(
      'select seq, level, message, http from operation_messages where operation_id = $1 order by seq',
      [opId],
    )
  ).rows;
  assert.deepEqual(
    msgs.map((m) => m.seq),
    [1, 2],
  );
  assert.equal(msgs[0].http.path, '/v19.0/act_{id}/insights');
  assert.deepEqual(msgs[0].http.query, { access_token: '[redacted]', fields: 'spend' });
  assert.deepEqual(msgs[0].http.rate_limit, { 'x-app-usage': '{"call_count":42}' });
  assert.equal(msgs[0].http.error_excerpt, null);
  assert.equal(msgs[1].level, 'warn');
  assert.match(msgs[1].message, /^GET \/limited\/\{id\} → 429 \(\d+ ms\)$/);
  assert.deepEqual(msgs[1].http.rate_limit, { 'retry-after': '2', 'x-ratelimit-remaining': '0' });
  assert.equal(msgs[1].http.request_id, 'req-123');
  assert.equal(msgs[1].http.error_excerpt, '{"error":{"message":"Slow down","access_token":"[redacted]"}}');
  const text = JSON.stringify(msgs);
  for (const s of ['secret-at', 'leaked-token-value', '"cs"']) assert.ok(!text.includes(s), s);
});

test('a nested operation is a child in the same trace; a failure keeps the code and message; outside an operation nothing is logged', async () => {
  const recorder = new OperationRecorder(db.owner);
  let parentId = '';
  let childId = '';
  let trace = '';
  await assert.rejects(
    withOperation(recorder, { orgId, type: 'sync', failedStatus: () => 'retry_scheduled' }, async (op) => {
      parentId = op.id;
      trace = op.traceId;
      await withOperation(recorder, { orgId, type: 'token_refresh' }, async (child) => {
        childId = child.id;
        assert.equal(currentOperation(), child);
        throw plexusError('provider.auth_revoked', { message: 'Token has been expired or revoked.' });
      }).catch(() => undefined);
      assert.equal(currentOperation(), op);
      throw plexusError('provider.rate_limited', { message: 'Too many requests' });
    }),
  );
  assert.equal(currentOperation(), undefined);
  await client.send({ method: 'GET', url: `${base}/outside` });
  await recorder.flush();
  const rows = (
    await db.owner.query(
      'select id, parent_id, status, error_code, error_message, trace_id from operations where id = any($1)',
      [[parentId, childId]],
    )
  ).rows;
  const parent = rows.find((r) => r.id === parentId);
  const child = rows.find((r) => r.id === childId);
  assert.equal(parent.status, 'retry_scheduled');
  assert.equal(parent.error_code, 'provider.rate_limited');
  assert.equal(child.parent_id, parentId);
  assert.equal(child.status, 'failed');
  assert.equal(child.error_message, 'Token has been expired or revoked.');
  assert.equal(child.trace_id, trace);
  assert.equal(
    (await db.owner.query("select count(*)::int as n from operation_messages where message like '%/outside%'")).rows[0]
      .n,
    0,
  );
});

test("rows of an org erased meanwhile are skipped without losing another org's rows in the same batch", async () => {
  const recorder = new OperationRecorder(db.owner);
  const gone = (await createOrg(db.owner, 'gone')).org.id;
  let keptId = '';
  await withOperation(recorder, { orgId: gone, type: 'sync' }, async (op) => op.log('info', 'about to be erased'));
  await withOperation(recorder, { orgId, type: 'sync' }, async (op) => {
    keptId = op.id;
    op.log('info', 'kept');
  });
  await db.owner.query('delete from orgs where id = $1', [gone]);
  await recorder.flush();
  assert.equal(
    (await db.owner.query('select count(*)::int as n from operations where org_id = $1', [gone])).rows[0].n,
    0,
  );
  assert.equal(
    (await db.owner.query('select count(*)::int as n from operation_messages where operation_id = $1', [keptId]))
      .rows[0].n,
    1,
  );
});

test('a job run again after its worker died closes the operation the dead worker left running', async () => {
  const recorder = recorderFor(db.owner);
  // What a worker killed mid-sync leaves behind: its operation, still running.
  await recorder.close();
  const stale = (
    await db.owner.query(
      "insert into operations (org_id, id, type, status, started_at, job_id, trace_id) values ($1, gen_random_uuid(), 'sync', 'running', now(), '4242', 't') returning id",
      [orgId],
    )
  ).rows[0].id;
  const log = createLogger({ level: 'silent' });
  const job = {
    task: 'sync_connection',
    jobId: '4242',
    attempt: 1,
    maxAttempts: 3,
    payload: { org_id: orgId },
    runs: 2,
  };
  let rerun = '';
  await runJobAsOperation(db.owner, log, job, async () => {
    rerun = currentOperation()!.id;
  });
  await recorder.flush();
  const rows = (
    await db.owner.query('select id, status, error_code from operations where job_id = $1 order by started_at', [
      '4242',
    ])
  ).rows;
  assert.deepEqual(
    rows.map((r) => [r.id, r.status, r.error_code]),
    [
      [stale, 'failed', 'job.worker_lost'],
      [rerun, 'success', null],
    ],
  );
});
