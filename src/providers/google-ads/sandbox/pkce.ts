/** RFC 7636 checks shared by the authorize and token endpoints. */
import { createHash } from 'node:crypto';

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** Verifier syntax per RFC 7636 §4.1: 43–128 unreserved characters. */
export function validVerifier(v: string): boolean {
  return /^[A-Za-z0-9._~-]{43,128}$/.test(v);
}

export function pkceMatches(challenge: string, method: string, verifier: string): boolean {
  return method === 'plain' ? challenge === verifier : s256(verifier) === challenge;
}
