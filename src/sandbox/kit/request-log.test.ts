import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskSecret, RequestLog } from './request-log.ts';

const base = { at: 0, method: 'GET', path: '/x', status: 200, injectedLatencyMs: 0, faults: [] };

test('secrets in headers and query are masked, keeping the last four characters', () => {
  const log = new RequestLog();
  const e = log.record({
    ...base,
    headers: {
      Authorization: 'Bearer EAAabcdefghijkl1234',
      'content-type': 'application/json',
      'x-hub-signature-256': 'sha256=deadbeefdeadbeef',
    },
    query: { access_token: 'EAAsecretvalue9876', fields: 'id,name' },
  });
  assert.equal(e.headers['authorization'], 'Bearer ***1234');
  assert.equal(e.headers['content-type'], 'application/json');
  assert.equal(e.headers['x-hub-signature-256'], '***beef');
  assert.equal(e.query['access_token'], '***9876');
  assert.equal(e.query['fields'], 'id,name');
  assert.equal(maskSecret('short'), '***');
  assert.ok(!JSON.stringify(log.entries()).includes('secretvalue'));
});

test('the log is bounded but keeps counting', () => {
  const log = new RequestLog(3);
  for (let i = 0; i < 5; i++) log.record({ ...base, path: `/p${i}`, headers: {}, query: {} });
  assert.deepEqual(
    log.entries().map((e) => e.path),
    ['/p2', '/p3', '/p4'],
  );
  assert.equal(log.total, 5);
  assert.equal(log.last()?.seq, 5);
  assert.equal(log.count({ pathPrefix: '/p4' }), 1);
  log.clear();
  assert.equal(log.total, 0);
});
