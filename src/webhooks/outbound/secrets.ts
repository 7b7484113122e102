import { randomBytes } from 'node:crypto';
import { plexusError } from '../../core/errors.ts';
import { open, seal, type SealedSecret } from '../../vault/cipher.ts';
import type { Keyring } from '../../vault/keyring.ts';

/**
 * Endpoint signing secrets in the Standard Webhooks form: `whsec_` + base64 of random bytes.
 * The HMAC key is the decoded bytes, not the string, so receivers' libraries agree with us.
 */
export const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;

export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** The HMAC key of a `whsec_` secret. */
export function secretKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX))
    throw plexusError('vault_open_failed', { message: 'An endpoint secret is not in whsec_ form.' });
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  if (key.length < 24) throw plexusError('vault_open_failed', { message: 'An endpoint secret is too short.' });
  return key;
}

/** The two sealed columns of an endpoint; each is bound to its own column, so they cannot be swapped. */
export type SecretColumn = 'secret' | 'previous_secret';

const ctx = (orgId: string, endpointId: string, column: SecretColumn) => ({
  orgId,
  table: 'webhook_endpoints',
  rowId: endpointId,
  column,
});

export function sealSecret(
  keyring: Keyring,
  orgId: string,
  endpointId: string,
  column: SecretColumn,
  secret: string,
): Promise<SealedSecret> {
  return seal(keyring, secret, ctx(orgId, endpointId, column));
}

export function openSecret(
  keyring: Keyring,
  orgId: string,
  endpointId: string,
  column: SecretColumn,
  sealed: SealedSecret,
): Promise<string> {
  return open(keyring, sealed, ctx(orgId, endpointId, column));
}

/** How long the old secret keeps signing after a rotation, so receivers can switch over. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;
