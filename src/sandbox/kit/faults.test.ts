import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultInjector, FaultSpecError, parseFaultSpec } from './faults.ts';

const get = (path: string) => ({ method: 'GET', path });

test('a rule without times or forMs fires once', () => {
  const f = new FaultInjector(() => 0);
  f.rateLimit();
  assert.equal(f.take(get('/x')).fault?.kind, 'rate_limit');
  assert.equal(f.take(get('/x')).fault, undefined);
  assert.equal(f.list().length, 0);
});

test('times counts matching requests only; pathPrefix ignores a leading API version', () => {
  const f = new FaultInjector(() => 0);
  f.serverError({ times: 2, pathPrefix: '/act_1/', status: 503 });
  assert.equal(f.take(get('/v24.0/me')).fault, undefined);
  assert.equal(f.take(get('/v24.0/act_1/campaigns')).fault?.status, 503);
  assert.equal(f.take(get('/act_1/ads')).fault?.kind, 'server_error');
  assert.equal(f.take(get('/act_1/ads')).fault, undefined);
});

test('forMs keeps a rule active on the injected clock, then it expires', () => {
  let now = 1000;
  const f = new FaultInjector(() => now);
  f.rateLimit({ forMs: 500 });
  assert.ok(f.take(get('/a')).fault);
  assert.ok(f.take(get('/b')).fault);
  now = 1499;
  assert.ok(f.take(get('/c')).fault);
  now = 1500;
  assert.equal(f.take(get('/d')).fault, undefined);
});

test('latency rules stack and combine with one error rule; method filters', () => {
  const f = new FaultInjector(() => 0);
  f.latency(20);
  f.latency(30);
  f.serverError({ method: 'POST' });
  f.rateLimit();
  const m = f.take({ method: 'POST', path: '/x' });
  assert.equal(m.latencyMs, 50);
  assert.equal(m.fault?.kind, 'server_error');
  assert.deepEqual(m.applied, ['latency', 'server_error']);
  // The rate-limit rule was not consumed by that request.
  assert.equal(f.take(get('/x')).fault?.kind, 'rate_limit');
});

test('remove and clear', () => {
  const f = new FaultInjector(() => 0);
  const id = f.rateLimit({ times: 5 });
  f.serverError({ times: 5 });
  assert.equal(f.remove(id), true);
  assert.equal(f.list().length, 1);
  f.clear();
  assert.equal(f.list().length, 0);
});

test('parseFaultSpec validates untyped input', () => {
  assert.deepEqual(parseFaultSpec({ kind: 'rate_limit', times: 3, code: 80004, method: 'get' }), {
    kind: 'rate_limit',
    times: 3,
    code: 80004,
    method: 'GET',
  });
  assert.throws(() => parseFaultSpec({ kind: 'nope' }), FaultSpecError);
  assert.throws(() => parseFaultSpec({ kind: 'latency' }), FaultSpecError);
  assert.throws(() => parseFaultSpec({ kind: 'server_error', times: 0 }), FaultSpecError);
  assert.throws(() => parseFaultSpec(null), FaultSpecError);
});
