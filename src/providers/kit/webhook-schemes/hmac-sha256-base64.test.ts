import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { scheme } from './hmac-sha256-base64.ts';
import { inputWith } from '../../../../test/helpers/webhook-verify.ts';

const NOW = 1_767_225_600_000;
const body = Buffer.from('{"id":788032119674292922,"title":"Zürich"}');
const names = { signatureHeader: 'x-shopify-hmac-sha256' };

const input = inputWith({ rawBody: body, secret: 'shpss_secret', nowMs: NOW, ...names });

test('known answer: base64 HMAC-SHA256 of the raw bytes', () => {
  const expected = createHmac('sha256', 'shpss_secret').update(body).digest('base64');
  const signed = scheme.sign({ rawBody: body, secret: 'shpss_secret', nowMs: NOW }, names);
  assert.deepEqual(signed.headers, { 'x-shopify-hmac-sha256': expected });
  assert.equal(signed.body, body);
  assert.deepEqual(scheme.verify(input({ 'x-shopify-hmac-sha256': expected })), { ok: true });
});

test('rejects tampered body, wrong secret, missing header or secret, malformed values', () => {
  const value = createHmac('sha256', 'shpss_secret').update(body).digest('base64');
  const h = { 'x-shopify-hmac-sha256': value };
  assert.deepEqual(scheme.verify(input(h, { rawBody: Buffer.from(body.toString().replace('ü', 'u')) })), {
    ok: false,
    reason: 'bad_signature',
  });
  assert.deepEqual(scheme.verify(input(h, { secret: 'other' })), { ok: false, reason: 'bad_signature' });
  assert.deepEqual(scheme.verify(input({})), { ok: false, reason: 'missing_signature' });
  assert.deepEqual(scheme.verify(input({ 'x-shopify-hmac-sha256': '  ' })), { ok: false, reason: 'missing_signature' });
  assert.deepEqual(scheme.verify(input(h, { secret: undefined })), { ok: false, reason: 'missing_secret' });
  const hex = createHmac('sha256', 'shpss_secret').update(body).digest('hex');
  for (const bad of [hex, value.slice(0, -4), `${value}AAAA`, value.replace(/=$/, ''), 'not base64!']) {
    assert.deepEqual(scheme.verify(input({ 'x-shopify-hmac-sha256': bad })), { ok: false, reason: 'malformed' }, bad);
  }
});
