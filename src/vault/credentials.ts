import { open, seal, type SealedSecret } from './cipher.ts';
import type { Keyring } from './keyring.ts';

/**
 * A connection's secrets in the clear. Only the vault produces this type, and it never
 * goes into a log, an API response or a job payload.
 */
export interface DecryptedCredentials {
  readonly kind: 'oauth2' | 'oauth1a' | 'basic' | 'token';
  readonly accessToken?: string;
  readonly refreshToken?: string;
  readonly tokenSecret?: string;
  readonly username?: string;
  readonly password?: string;
  readonly extra?: Readonly<Record<string, string>>;
}

/** What the database holds for a connection's credentials. */
export type EncryptedCredentials = SealedSecret & { readonly __brand?: 'EncryptedCredentials' };

const ctx = (orgId: string, connectionId: string) => ({
  orgId,
  table: 'connections',
  rowId: connectionId,
  column: 'credentials',
});

export async function sealCredentials(
  keyring: Keyring,
  orgId: string,
  connectionId: string,
  creds: DecryptedCredentials,
): Promise<EncryptedCredentials> {
  return seal(keyring, JSON.stringify(creds), ctx(orgId, connectionId));
}

export async function openCredentials(
  keyring: Keyring,
  orgId: string,
  connectionId: string,
  sealed: EncryptedCredentials,
): Promise<DecryptedCredentials> {
  return JSON.parse(await open(keyring, sealed, ctx(orgId, connectionId))) as DecryptedCredentials;
}

/**
 * Every column that holds sealed secrets, so key rotation reaches them all. A table added
 * later with secrets adds one line here.
 */
export interface SealedColumn {
  table: string;
  column: string;
  keyIdColumn: string;
}

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: 'connections', column: 'credentials', keyIdColumn: 'credentials_key_id' },
  { table: 'connections', column: 'webhook_secret', keyIdColumn: 'webhook_secret_key_id' },
  { table: 'webhook_endpoints', column: 'secret', keyIdColumn: 'secret_key_id' },
  { table: 'webhook_endpoints', column: 'previous_secret', keyIdColumn: 'previous_secret_key_id' },
  { table: 'idempotency_keys', column: 'response_body', keyIdColumn: 'response_body_key_id' },
];
