import { randomUUID } from 'node:crypto';
import { refreshDueAt } from '../../src/connections/repo.ts';
import type { Database } from '../../src/db/database.ts';
import { sealCredentials, type DecryptedCredentials } from '../../src/vault/credentials.ts';
import type { Keyring } from '../../src/vault/keyring.ts';

/** Inserts a connection as a finished connect flow would leave it (sealed credentials, refresh schedule). */
export async function seedConnection(
  db: Database,
  keyring: Keyring,
  orgId: string,
  provider: string,
  creds: DecryptedCredentials,
  opts: { expiresAt?: Date; config?: Record<string, string>; externalId?: string } = {},
): Promise<string> {
  const id = randomUUID();
  const sealed = await sealCredentials(keyring, orgId, id, creds);
  await db.owner.query(
    `insert into connections (org_id, id, provider, status, external_account_id, config, credentials, credentials_key_id, expires_at, next_refresh_at, last_refreshed_at)
     values ($1, $2, $3, 'active', $4, $5, $6, $7, $8, $9, now())`,
    [
      orgId,
      id,
      provider,
      opts.externalId ?? id,
      opts.config ?? {},
      sealed,
      sealed.kid,
      opts.expiresAt ?? null,
      refreshDueAt(opts.expiresAt, new Date()),
    ],
  );
  return id;
}

/** A Meta connection on a running Meta sandbox, with a token that never expires. */
export function seedSandboxMetaConnection(
  ctx: { db: Database; keyring: Keyring },
  orgId: string,
  sb: { mintToken(opts: { ttlSeconds: number | null }): string; userId: string },
): Promise<string> {
  const creds: DecryptedCredentials = { kind: 'oauth2', accessToken: sb.mintToken({ ttlSeconds: null }) };
  return seedConnection(ctx.db, ctx.keyring, orgId, 'meta', creds, { externalId: sb.userId });
}
