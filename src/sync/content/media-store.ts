import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/pool.ts';

export interface MediaUpload {
  bytes: Buffer;
  filename: string;
  contentType: string;
  alt?: string | undefined;
}

/**
 * Stores an image under its sha256, once per org (a second upload may only add alt text),
 * and returns the hash items refer to it by.
 */
export async function storeMedia(c: Queryable, orgId: string, m: MediaUpload): Promise<string> {
  const sha = createHash('sha256').update(m.bytes).digest('hex');
  await c.query(
    `insert into content_media (org_id, sha256, filename, content_type, alt, bytes) values ($1, $2, $3, $4, $5, $6)
     on conflict (org_id, sha256) do update set alt = coalesce(excluded.alt, content_media.alt)`,
    [orgId, sha, m.filename, m.contentType, m.alt ?? null, m.bytes],
  );
  return sha;
}

export async function mediaExists(c: Queryable, orgId: string, sha256: string): Promise<boolean> {
  const { rows } = await c.query('select 1 from content_media where org_id = $1 and sha256 = $2', [orgId, sha256]);
  return rows.length > 0;
}
