/**
 * Scheme `jwt-rs256` (Wix, cms.md §6.4): the request body is a compact JWT signed RS256 with the
 * app's key pair, and `secret` is the app's PEM public key. Only `alg: RS256` is accepted, so
 * neither `none` nor an HS256 token keyed with the public key text can pass. `exp`/`nbf` are
 * checked against the injected clock. On success `payload` is the bytes of the `data` claim,
 * which Wix sends as a JSON string holding `{eventType, instanceId, data, identity}`.
 */
import { createPrivateKey, createPublicKey, sign as rsaSign, verify as rsaVerify, type KeyObject } from 'node:crypto';
import type { SchemeResult, SignInput, WebhookScheme } from './types.ts';
import { hasSecret } from './util.ts';

const B64URL = /^[A-Za-z0-9_-]+$/;
/** How long a token this module signs stays valid; Wix's own lifetime is not documented. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

export interface JwtSignOptions {
  kid?: string;
  lifetimeSeconds?: number;
}

/** Makes the compact JWT whose `data` claim is the UTF-8 text of `rawBody`, signed with a PEM private key. */
export function signJwt(input: SignInput, opts: JwtSignOptions = {}): string {
  const iat = Math.floor(input.nowMs / 1000);
  const head = { alg: 'RS256', typ: 'JWT', ...(opts.kid === undefined ? {} : { kid: opts.kid }) };
  const claims = {
    data: input.rawBody.toString('utf8'),
    iat,
    exp: iat + (opts.lifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS),
  };
  const signingInput = `${b64url(JSON.stringify(head))}.${b64url(JSON.stringify(claims))}`;
  const signature = rsaSign('sha256', Buffer.from(signingInput), createPrivateKey(input.secret));
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** Verifies and returns the claims; `payload` in the scheme result is derived from these. */
export function verifyJwt(
  token: string,
  publicKeyPem: string | undefined,
  nowMs: number,
): { ok: true; claims: Record<string, unknown> } | Extract<SchemeResult, { ok: false }> {
  if (!hasSecret(publicKeyPem)) return { ok: false, reason: 'missing_secret' };
  const key = publicKey(publicKeyPem);
  // An unusable key is a configuration fault, reported like a missing one so nothing is accepted.
  if (!key) return { ok: false, reason: 'missing_secret' };
  if (token.length === 0) return { ok: false, reason: 'missing_signature' };
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) return { ok: false, reason: 'malformed' };
  const [h, p, s] = parts as [string, string, string];
  const head = decodeJson(h);
  const claims = decodeJson(p);
  if (!head || !claims) return { ok: false, reason: 'malformed' };
  if (head['alg'] !== 'RS256') return { ok: false, reason: 'bad_signature' };
  let valid: boolean;
  try {
    valid = rsaVerify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'));
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, reason: 'bad_signature' };
  const now = nowMs / 1000;
  const exp = claims['exp'];
  const nbf = claims['nbf'];
  if (exp !== undefined && (typeof exp !== 'number' || now >= exp)) return { ok: false, reason: 'stale_timestamp' };
  if (nbf !== undefined && (typeof nbf !== 'number' || now < nbf)) return { ok: false, reason: 'stale_timestamp' };
  return { ok: true, claims };
}

function publicKey(pem: string): KeyObject | undefined {
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'rsa' ? key : undefined;
  } catch {
    return undefined;
  }
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

export const scheme: WebhookScheme = {
  id: 'jwt-rs256',
  verify(input): SchemeResult {
    const r = verifyJwt(input.rawBody.toString('utf8').trim(), input.secret, input.nowMs);
    if (!r.ok) return r;
    const data = r.claims['data'];
    // Wix's SDK refuses a non-string `data` claim; so do we.
    if (typeof data !== 'string') return { ok: false, reason: 'malformed' };
    return { ok: true, payload: Buffer.from(data, 'utf8') };
  },
  sign(input) {
    return { headers: {}, body: Buffer.from(signJwt(input), 'utf8') };
  },
};
