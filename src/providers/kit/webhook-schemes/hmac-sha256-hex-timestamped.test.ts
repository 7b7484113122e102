import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { scheme } from './hmac-sha256-hex-timestamped.ts';
import type { VerifyInput } from './types.ts';
import { inputWith } from '../../../../test/helpers/webhook-verify.ts';

const NOW = 1_767_225_600_123;
const body = Buffer.from('{"triggerType":"collection_item_created","payload":{"id":"abc"}}');
const names = { signatureHeader: 'x-webflow-signature', timestampHeader: 'x-webflow-timestamp' };

const input = inputWith({ rawBody: body, secret: 'client-secret', nowMs: NOW, toleranceSeconds: 300, ...names });

function independent(ts: string, secret = 'client-secret'): Record<string, string> {
  return {
    'x-webflow-timestamp': ts,
    'x-webflow-signature': createHmac('sha256', secret).update(`${ts}:${body.toString()}`).digest('hex'),
  };
}

test('known answer: hex HMAC of "<ms timestamp>:<body>"', () => {
  const expected = independent(String(NOW));
  assert.deepEqual(scheme.sign({ rawBody: body, secret: 'client-secret', nowMs: NOW }, names).headers, expected);
  assert.deepEqual(scheme.verify(input(expected)), { ok: true });
});

test('freshness window: inside accepted, outside (either side) stale; default 300 s', () => {
  assert.deepEqual(scheme.verify(input(independent(String(NOW - 299_000)))), { ok: true });
  assert.deepEqual(scheme.verify(input(independent(String(NOW - 301_000)))), { ok: false, reason: 'stale_timestamp' });
  assert.deepEqual(scheme.verify(input(independent(String(NOW + 301_000)))), { ok: false, reason: 'stale_timestamp' });
  const noTolerance: VerifyInput = {
    rawBody: body,
    headers: independent(String(NOW - 301_000)),
    secret: 'client-secret',
    nowMs: NOW,
    ...names,
  };
  assert.deepEqual(scheme.verify(noTolerance), { ok: false, reason: 'stale_timestamp' });
  // The timestamp header comes from the definition only: without one nothing verifies (fail closed).
  const { timestampHeader: _unnamed, ...noHeaderName } = { ...noTolerance, headers: independent(String(NOW)) };
  assert.deepEqual(scheme.verify(noHeaderName), { ok: false, reason: 'missing_signature' });
  assert.throws(
    () =>
      scheme.sign({ rawBody: body, secret: 'client-secret', nowMs: NOW }, { signatureHeader: names.signatureHeader }),
    /timestamp header/,
  );
  // A seconds-resolution stamp is 1000x too small and therefore far outside the window.
  assert.deepEqual(scheme.verify(input(independent(String(Math.floor(NOW / 1000))))), {
    ok: false,
    reason: 'stale_timestamp',
  });
});

test('rejects tampered body, wrong secret, swapped timestamp, missing headers or secret, malformed', () => {
  const h = independent(String(NOW));
  assert.deepEqual(scheme.verify(input(h, { rawBody: Buffer.from('{}') })), { ok: false, reason: 'bad_signature' });
  assert.deepEqual(scheme.verify(input(independent(String(NOW), 'wrong'))), { ok: false, reason: 'bad_signature' });
  assert.deepEqual(scheme.verify(input({ ...h, 'x-webflow-timestamp': String(NOW - 1) })), {
    ok: false,
    reason: 'bad_signature',
  });
  assert.deepEqual(scheme.verify(input({ 'x-webflow-signature': h['x-webflow-signature'] ?? '' })), {
    ok: false,
    reason: 'missing_signature',
  });
  assert.deepEqual(scheme.verify(input({ 'x-webflow-timestamp': String(NOW) })), {
    ok: false,
    reason: 'missing_signature',
  });
  assert.deepEqual(scheme.verify(input(h, { secret: undefined })), { ok: false, reason: 'missing_secret' });
  assert.deepEqual(scheme.verify(input({ ...h, 'x-webflow-timestamp': '12e5' })), { ok: false, reason: 'malformed' });
  assert.deepEqual(scheme.verify(input({ ...h, 'x-webflow-signature': 'abc' })), { ok: false, reason: 'malformed' });
});
