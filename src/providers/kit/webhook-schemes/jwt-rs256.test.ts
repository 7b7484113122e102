import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import { scheme, signJwt } from './jwt-rs256.ts';
import type { VerifyInput } from './types.ts';

const NOW = 1_767_225_600_000;
const pair = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
const { publicKey, privateKey } = pair();
const other = pair();
const data = JSON.stringify({
  eventType: 'wix.data.v2.data_item_created',
  instanceId: 'inst-1',
  data: '{"id":"evt-1"}',
  identity: '{"identityType":"APP"}',
});

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function input(body: string, over: Partial<VerifyInput> = {}): VerifyInput {
  return { rawBody: Buffer.from(body), headers: {}, secret: publicKey, nowMs: NOW, signatureHeader: '', ...over };
}

/** A token built with node:crypto directly, independent of the scheme's signer. */
function handMade(
  claims: Record<string, unknown>,
  head: Record<string, unknown> = { alg: 'RS256', kid: 'k1' },
): string {
  const signingInput = `${b64(head)}.${b64(claims)}`;
  const sig = createSign('RSA-SHA256').update(signingInput).sign(privateKey).toString('base64url');
  return `${signingInput}.${sig}`;
}

test('known answer: a hand-made RS256 token verifies, payload is the data claim bytes', () => {
  const r = scheme.verify(input(handMade({ data, iat: NOW / 1000, exp: NOW / 1000 + 60 })));
  assert.deepEqual(r, { ok: true, payload: Buffer.from(data) });
});

test('sign makes a token the verifier accepts; the body is the JWT and no header is needed', () => {
  const signed = scheme.sign({ rawBody: Buffer.from(data), secret: privateKey, nowMs: NOW }, { signatureHeader: '' });
  assert.deepEqual(signed.headers, {});
  const [h, p] = signed.body.toString().split('.');
  assert.equal(JSON.parse(Buffer.from(h ?? '', 'base64url').toString()).alg, 'RS256');
  assert.equal(JSON.parse(Buffer.from(p ?? '', 'base64url').toString()).data, data);
  const r = scheme.verify(input(signed.body.toString()));
  assert.equal(r.ok, true);
  assert.equal(r.ok && r.payload?.toString(), data);
});

test('alg none and HS256 keyed with the public key are rejected', () => {
  const claims = { data, iat: NOW / 1000 };
  const none = `${b64({ alg: 'none' })}.${b64(claims)}.`;
  assert.notEqual(scheme.verify(input(none)).ok, true);
  const noneSig = `${b64({ alg: 'none' })}.${b64(claims)}.${Buffer.from('x').toString('base64url')}`;
  assert.deepEqual(scheme.verify(input(noneSig)), { ok: false, reason: 'bad_signature' });
  const si = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  const hs = `${si}.${createHmac('sha256', publicKey).update(si).digest('base64url')}`;
  assert.deepEqual(scheme.verify(input(hs)), { ok: false, reason: 'bad_signature' });
  // The RS256 header cannot be paired with an HMAC signature either.
  const si2 = `${b64({ alg: 'RS256' })}.${b64(claims)}`;
  assert.deepEqual(scheme.verify(input(`${si2}.${createHmac('sha256', publicKey).update(si2).digest('base64url')}`)), {
    ok: false,
    reason: 'bad_signature',
  });
});

test('expired and not-yet-valid tokens are stale', () => {
  assert.deepEqual(scheme.verify(input(handMade({ data, exp: NOW / 1000 }))), { ok: false, reason: 'stale_timestamp' });
  assert.deepEqual(scheme.verify(input(handMade({ data, exp: NOW / 1000 - 1 }))), {
    ok: false,
    reason: 'stale_timestamp',
  });
  assert.deepEqual(scheme.verify(input(handMade({ data, exp: 'soon' }))), { ok: false, reason: 'stale_timestamp' });
  assert.deepEqual(scheme.verify(input(handMade({ data, nbf: NOW / 1000 + 10 }))), {
    ok: false,
    reason: 'stale_timestamp',
  });
  const signed = signJwt({ rawBody: Buffer.from(data), secret: privateKey, nowMs: NOW }, { lifetimeSeconds: 60 });
  assert.deepEqual(scheme.verify(input(signed, { nowMs: NOW + 61_000 })), { ok: false, reason: 'stale_timestamp' });
});

test('tampered claims, another key pair, missing key, empty body and malformed tokens are rejected', () => {
  const token = handMade({ data, iat: NOW / 1000 });
  const [h, , s] = token.split('.');
  assert.deepEqual(scheme.verify(input(`${h}.${b64({ data: '{"x":1}', iat: NOW / 1000 })}.${s}`)), {
    ok: false,
    reason: 'bad_signature',
  });
  assert.deepEqual(scheme.verify(input(token, { secret: other.publicKey })), { ok: false, reason: 'bad_signature' });
  assert.deepEqual(scheme.verify(input(token, { secret: undefined })), { ok: false, reason: 'missing_secret' });
  assert.deepEqual(scheme.verify(input(token, { secret: 'not a pem' })), { ok: false, reason: 'missing_secret' });
  assert.deepEqual(scheme.verify(input('')), { ok: false, reason: 'missing_signature' });
  for (const bad of ['a.b', 'a.b.c.d', `${h}.%%%.${s}`, `${b64('str')}.${b64({ data })}.${s}`]) {
    assert.deepEqual(scheme.verify(input(bad)), { ok: false, reason: 'malformed' }, bad);
  }
  assert.deepEqual(scheme.verify(input(`${h}.${b64({ data, iat: 1 })}.${s?.slice(0, 10)}`)), {
    ok: false,
    reason: 'bad_signature',
  });
  assert.deepEqual(scheme.verify(input(handMade({ data: { not: 'a string' } }))), { ok: false, reason: 'malformed' });
});
