import { createHash, randomBytes } from 'node:crypto';
import { cursorParams, type Cursor } from '../db/keyset.ts';
import type { Pool, Queryable } from '../db/pool.ts';
import { withOrgTx } from '../db/tx.ts';
import { firstRow } from '../db/first-row.ts';

/**
 * API keys look like `plx_<org id hex>_<43 random characters>`. The org id in the key lets
 * authentication run inside that org's row-level security from its very first query; the
 * random part (256 bits) is what makes it secret. Only a SHA-256 of the whole key is stored.
 */
const KEY_RE = /^plx_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

export interface ApiKeyRow {
  id: string;
  org_id: string;
  name: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

function orgIdFromHex(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function parseApiKey(key: string): { orgId: string } | undefined {
  const m = KEY_RE.exec(key);
  return m ? { orgId: orgIdFromHex(m[1]!) } : undefined;
}

const COLUMNS = 'id, org_id, name, prefix, created_at, last_used_at, revoked_at';

/** The org's keys, revoked ones included, newest first, after `cursor`. */
export async function listApiKeys(
  client: Queryable,
  orgId: string,
  cursor: Cursor | undefined,
  limit: number,
): Promise<ApiKeyRow[]> {
  const { rows } = await client.query<ApiKeyRow>(
    `select ${COLUMNS} from api_keys where org_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2, $3::uuid))
     order by created_at desc, id desc limit $4`,
    [orgId, ...cursorParams(cursor), limit],
  );
  return rows;
}

/** Revokes a key (again: a no-op that keeps the first revocation time); undefined when there is none. */
export async function revokeApiKey(client: Queryable, orgId: string, id: string): Promise<ApiKeyRow | undefined> {
  return firstRow<ApiKeyRow>(
    client,
    `update api_keys set revoked_at = coalesce(revoked_at, now()) where org_id = $1 and id = $2 returning ${COLUMNS}`,
    [orgId, id],
  );
}

/** Creates a key in the caller's org transaction; the plain key is returned once and never stored. */
export async function createApiKey(
  client: Queryable,
  orgId: string,
  name: string,
): Promise<{ key: string; row: ApiKeyRow }> {
  const secret = randomBytes(32).toString('base64url');
  const key = `plx_${orgId.replaceAll('-', '')}_${secret}`;
  const prefix = `plx_…${secret.slice(0, 6)}`;
  const { rows } = await client.query<ApiKeyRow>(
    `insert into api_keys (org_id, name, prefix, key_hash) values ($1, $2, $3, $4)
     returning ${COLUMNS}`,
    [orgId, name, prefix, hashKey(key)],
  );
  return { key, row: rows[0]! };
}

// Touching last_used_at on every request would turn each read into a write; once a minute is enough.
const LAST_USED_GRANULARITY = "interval '60 seconds'";

/** The key's org and id when the key is valid and not revoked. */
export async function authenticateApiKey(
  app: Pool,
  key: string,
): Promise<{ orgId: string; keyId: string } | undefined> {
  const parsed = parseApiKey(key);
  if (!parsed) return undefined;
  return withOrgTx(app, parsed.orgId, async (client) => {
    const { rows } = await client.query<{ id: string; stale: boolean }>(
      `select id, (last_used_at is null or last_used_at < now() - ${LAST_USED_GRANULARITY}) as stale
       from api_keys where org_id = $1 and key_hash = $2 and revoked_at is null`,
      [parsed.orgId, hashKey(key)],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (row.stale)
      await client.query('update api_keys set last_used_at = now() where org_id = $1 and id = $2', [
        parsed.orgId,
        row.id,
      ]);
    return { orgId: parsed.orgId, keyId: row.id };
  });
}
