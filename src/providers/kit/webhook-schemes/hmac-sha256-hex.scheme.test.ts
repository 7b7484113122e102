import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { scheme } from './hmac-sha256-hex.ts';
import { inputWith } from '../../../../test/helpers/webhook-verify.ts';

const NOW = 1_767_225_600_000;
const body = Buffer.from('{"object":"ad_account","entry":[]}');
const meta = { signatureHeader: 'x-hub-signature-256' };
const linkedin = { signatureHeader: 'x-li-signature', signedPayloadPrefix: 'hmacsha256=' };

const input = inputWith({ rawBody: body, secret: 'app-secret', nowMs: NOW, ...meta });

test('known answer: Meta form is sha256=<hex HMAC of the body>', () => {
  const hex = createHmac('sha256', 'app-secret').update(body).digest('hex');
  const signed = scheme.sign({ rawBody: body, secret: 'app-secret', nowMs: NOW }, meta);
  assert.deepEqual(signed.headers, { 'x-hub-signature-256': `sha256=${hex}` });
  assert.deepEqual(scheme.verify(input({ 'x-hub-signature-256': `sha256=${hex}` })), { ok: true });
  assert.deepEqual(scheme.verify(input({ 'x-hub-signature-256': hex })), { ok: true });
});

test('known answer: LinkedIn signs "hmacsha256=" + body and sends bare hex; a prefixed value is accepted', () => {
  const hex = createHmac('sha256', 'client-secret').update(`hmacsha256=${body.toString()}`).digest('hex');
  const signed = scheme.sign(
    { rawBody: body, secret: 'client-secret', nowMs: NOW, signedPayloadPrefix: 'hmacsha256=' },
    linkedin,
  );
  assert.deepEqual(signed.headers, { 'x-li-signature': hex });
  const li = (v: string) => input({ 'x-li-signature': v }, { secret: 'client-secret', ...linkedin });
  assert.deepEqual(scheme.verify(li(hex)), { ok: true });
  assert.deepEqual(scheme.verify(li(`hmacsha256=${hex}`)), { ok: true });
  // The body digest alone is not LinkedIn's signature.
  const plain = createHmac('sha256', 'client-secret').update(body).digest('hex');
  assert.deepEqual(scheme.verify(li(plain)), { ok: false, reason: 'bad_signature' });
});

test('rejects tampered body, wrong secret, missing header, missing secret, malformed values', () => {
  const value =
    scheme.sign({ rawBody: body, secret: 'app-secret', nowMs: NOW }, meta).headers['x-hub-signature-256'] ?? '';
  const h = { 'x-hub-signature-256': value };
  assert.deepEqual(scheme.verify(input(h, { rawBody: Buffer.from(`${body.toString()} `) })), {
    ok: false,
    reason: 'bad_signature',
  });
  assert.deepEqual(scheme.verify(input(h, { secret: 'other' })), { ok: false, reason: 'bad_signature' });
  assert.deepEqual(scheme.verify(input({})), { ok: false, reason: 'missing_signature' });
  assert.deepEqual(scheme.verify(input(h, { secret: undefined })), { ok: false, reason: 'missing_secret' });
  assert.deepEqual(scheme.verify(input(h, { secret: '' })), { ok: false, reason: 'missing_secret' });
  for (const bad of ['sha256=', 'sha256=zz', `${value}00`, value.slice(0, -2), `sha1=${value.slice(7)}`]) {
    assert.deepEqual(scheme.verify(input({ 'x-hub-signature-256': bad })), { ok: false, reason: 'malformed' }, bad);
  }
});
