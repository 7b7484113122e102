import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sign, verify } from './hmac-sha256-hex.ts';

const body = Buffer.from('The quick brown fox jumps over the lazy dog');
// RFC-style known vector: HMAC-SHA256(key="key", msg above).
const KNOWN = 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8';

test('sign produces lowercase hex HMAC-SHA256 of the raw bytes', () => {
  assert.equal(sign(body, 'key'), KNOWN);
});

test('verify accepts the digest with or without the sha256= prefix, in any hex case', () => {
  assert.deepEqual(verify(body, `sha256=${KNOWN}`, 'key'), { ok: true });
  assert.deepEqual(verify(body, KNOWN, 'key'), { ok: true });
  assert.deepEqual(verify(body, `SHA256=${KNOWN.toUpperCase()}`, 'key'), { ok: true });
  assert.deepEqual(verify(body, `  sha256=${KNOWN}  `, 'key'), { ok: true });
});

test('verify fails closed without a secret, before looking at the header', () => {
  assert.deepEqual(verify(body, `sha256=${KNOWN}`, undefined), { ok: false, reason: 'missing_secret' });
  assert.deepEqual(verify(body, `sha256=${KNOWN}`, ''), { ok: false, reason: 'missing_secret' });
});

test('verify reports a missing header', () => {
  assert.deepEqual(verify(body, undefined, 'key'), { ok: false, reason: 'missing_signature' });
  assert.deepEqual(verify(body, '', 'key'), { ok: false, reason: 'missing_signature' });
  assert.deepEqual(verify(body, '   ', 'key'), { ok: false, reason: 'missing_signature' });
});

test('malformed or wrong signatures are bad_signature, never a throw', () => {
  const bad = { ok: false, reason: 'bad_signature' };
  assert.deepEqual(verify(body, 'sha256=', 'key'), bad);
  assert.deepEqual(verify(body, 'sha256=zz', 'key'), bad);
  assert.deepEqual(verify(body, `sha256=${KNOWN.slice(2)}`, 'key'), bad);
  assert.deepEqual(verify(body, `sha256=${KNOWN}00`, 'key'), bad);
  assert.deepEqual(verify(body, `sha1=${KNOWN}`, 'key'), bad);
  assert.deepEqual(verify(body, `sha256=${KNOWN}`, 'other-secret'), bad);
  assert.deepEqual(verify(Buffer.from('tampered'), `sha256=${KNOWN}`, 'key'), bad);
});

test('verification is over bytes: re-encoding non-ASCII changes the digest', () => {
  const escaped = Buffer.from('{"name":"Z\\u00fcrich"}');
  const raw = Buffer.from('{"name":"Zürich"}');
  const header = `sha256=${sign(escaped, 's')}`;
  assert.deepEqual(verify(escaped, header, 's'), { ok: true });
  assert.equal(verify(raw, header, 's').ok, false);
});
