import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { parseTimestampPairs, scheme } from './hmac-sha256-hex-timestamp-pairs.ts';
import type { VerifyInput } from './types.ts';

const NOW = 1_767_225_600_000;
const T = String(NOW / 1000);
const body = Buffer.from('{"client_key":"ck","event":"API_SERVICE_STATUS","create_time":1767225600,"content":"{}"}');
const names = { signatureHeader: 'tiktok-signature' };

function input(value: string | undefined, over: Partial<VerifyInput> = {}): VerifyInput {
  return {
    rawBody: body,
    headers: value === undefined ? {} : { 'tiktok-signature': value },
    secret: 'app-secret',
    nowMs: NOW,
    toleranceSeconds: 300,
    ...names,
    ...over,
  };
}

function hex(t: string, secret = 'app-secret'): string {
  return createHmac('sha256', secret).update(`${t}.${body.toString()}`).digest('hex');
}

test('known answer: t=<unix>,s=<hex HMAC of "t.body">', () => {
  const signed = scheme.sign({ rawBody: body, secret: 'app-secret', nowMs: NOW + 999 }, names);
  assert.deepEqual(signed.headers, { 'tiktok-signature': `t=${T},s=${hex(T)}` });
  assert.deepEqual(scheme.verify(input(`t=${T},s=${hex(T)}`)), { ok: true });
  assert.deepEqual(scheme.verify(input(`s=${hex(T)}, t=${T}`)), { ok: true });
  assert.deepEqual(scheme.verify(input(`t=${T},s=${hex(T, 'old')},s=${hex(T)}`)), { ok: true });
});

test('stale and future timestamps are rejected once the digest matches', () => {
  const old = String(Number(T) - 301);
  assert.deepEqual(scheme.verify(input(`t=${old},s=${hex(old)}`)), { ok: false, reason: 'stale_timestamp' });
  const future = String(Number(T) + 301);
  assert.deepEqual(scheme.verify(input(`t=${future},s=${hex(future)}`)), { ok: false, reason: 'stale_timestamp' });
  const recent = String(Number(T) - 299);
  assert.deepEqual(scheme.verify(input(`t=${recent},s=${hex(recent)}`)), { ok: true });
});

test('rejects tampered body, wrong secret, missing header or secret, malformed', () => {
  const v = `t=${T},s=${hex(T)}`;
  assert.deepEqual(scheme.verify(input(v, { rawBody: Buffer.from('{}') })), { ok: false, reason: 'bad_signature' });
  assert.deepEqual(scheme.verify(input(v, { secret: 'other' })), { ok: false, reason: 'bad_signature' });
  assert.deepEqual(scheme.verify(input(`t=${T},s=${hex(String(Number(T) - 1))}`)), {
    ok: false,
    reason: 'bad_signature',
  });
  assert.deepEqual(scheme.verify(input(undefined)), { ok: false, reason: 'missing_signature' });
  assert.deepEqual(scheme.verify(input(v, { secret: undefined })), { ok: false, reason: 'missing_secret' });
  for (const bad of [
    hex(T),
    `t=${T}`,
    `s=${hex(T)}`,
    `t=abc,s=${hex(T)}`,
    `t=${T},s=xyz`,
    `t=${T},t=${T},s=${hex(T)}`,
    'garbage',
  ]) {
    assert.deepEqual(scheme.verify(input(bad)), { ok: false, reason: 'malformed' }, bad);
  }
  assert.equal(parseTimestampPairs('t=1,s'), undefined);
});
