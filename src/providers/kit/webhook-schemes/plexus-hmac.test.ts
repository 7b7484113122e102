import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { scheme } from './plexus-hmac.ts';
import { inputWith } from '../../../../test/helpers/webhook-verify.ts';

const NOW = 1_767_225_600_500;
const T = String(Math.floor(NOW / 1000));
const body = Buffer.from('{"topic":"content.updated","id":42}');
const names = { signatureHeader: 'x-plexus-signature', timestampHeader: 'x-plexus-timestamp' };

const input = inputWith({ rawBody: body, secret: 'conn-secret', nowMs: NOW, toleranceSeconds: 300, ...names });

function independent(t: string, secret = 'conn-secret'): Record<string, string> {
  return {
    'x-plexus-timestamp': t,
    'x-plexus-signature': `v1=${createHmac('sha256', secret).update(`${t}.${body.toString()}`).digest('hex')}`,
  };
}

test('known answer: v1=<hex HMAC of "<unix seconds>.<body>">', () => {
  assert.deepEqual(scheme.sign({ rawBody: body, secret: 'conn-secret', nowMs: NOW }, names).headers, independent(T));
  assert.deepEqual(scheme.verify(input(independent(T))), { ok: true });
});

test('several v1 values are accepted while a secret rotates', () => {
  const h = {
    'x-plexus-timestamp': T,
    'x-plexus-signature': `${independent(T, 'old')['x-plexus-signature'] ?? ''}, ${independent(T)['x-plexus-signature'] ?? ''}`,
  };
  assert.deepEqual(scheme.verify(input(h)), { ok: true });
});

test('stale, tampered, wrong secret, missing and malformed are rejected', () => {
  const old = String(Number(T) - 301);
  assert.deepEqual(scheme.verify(input(independent(old))), { ok: false, reason: 'stale_timestamp' });
  assert.deepEqual(scheme.verify(input(independent(T), { rawBody: Buffer.from('{}') })), {
    ok: false,
    reason: 'bad_signature',
  });
  assert.deepEqual(scheme.verify(input(independent(T, 'wrong'))), { ok: false, reason: 'bad_signature' });
  assert.deepEqual(scheme.verify(input({ 'x-plexus-timestamp': T })), { ok: false, reason: 'missing_signature' });
  assert.deepEqual(scheme.verify(input({ 'x-plexus-signature': independent(T)['x-plexus-signature'] ?? '' })), {
    ok: false,
    reason: 'missing_signature',
  });
  assert.deepEqual(scheme.verify(input(independent(T), { secret: '' })), { ok: false, reason: 'missing_secret' });
  const sig = independent(T)['x-plexus-signature'] ?? '';
  assert.deepEqual(scheme.verify(input({ 'x-plexus-timestamp': T, 'x-plexus-signature': sig.slice(3) })), {
    ok: false,
    reason: 'malformed',
  });
  assert.deepEqual(scheme.verify(input({ 'x-plexus-timestamp': T, 'x-plexus-signature': 'v2=abcd' })), {
    ok: false,
    reason: 'malformed',
  });
  assert.deepEqual(scheme.verify(input({ 'x-plexus-timestamp': `${T}000x`, 'x-plexus-signature': sig })), {
    ok: false,
    reason: 'malformed',
  });
});
