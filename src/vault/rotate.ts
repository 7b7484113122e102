import { isPlexusError } from '../core/errors.ts';
import type { Pool } from '../db/pool.ts';
import { rewrap, type SealedSecret } from './cipher.ts';
import { SEALED_COLUMNS } from './credentials.ts';
import type { Keyring } from './keyring.ts';

export interface RotationResult {
  primaryKeyId: string;
  rewrapped: number;
  /** Rows that no configured key opens (unknown key id or failed authentication). */
  unreadable: { table: string; org_id: string; id: string; reason: string }[];
  /** Rows still under another key after the pass (written concurrently, or unreadable). */
  remaining: number;
}

/**
 * Re-wraps every data key under the primary master key, in small batches walked by primary
 * key so the service keeps running: rows are locked only for their batch, rows another
 * transaction holds are skipped (a later pass takes them), and a row that cannot be opened
 * is reported instead of stopping the rotation. Secret bodies are never re-encrypted.
 */
export async function rotateKeys(owner: Pool, keyring: Keyring, batchSize = 200): Promise<RotationResult> {
  const primary = keyring.primaryId();
  const result: RotationResult = { primaryKeyId: primary, rewrapped: 0, unreadable: [], remaining: 0 };
  for (const col of SEALED_COLUMNS) {
    let after: [string, string] = ['00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000000'];
    for (;;) {
      const client = await owner.connect();
      let rows: { org_id: string; id: string; sealed: SealedSecret }[] = [];
      try {
        await client.query('begin');
        rows = (
          await client.query<{ org_id: string; id: string; sealed: SealedSecret }>(
            `select org_id, id, ${col.column} as sealed from ${col.table}
             where (org_id, id) > ($1::uuid, $2::uuid) and ${col.column} is not null and ${col.keyIdColumn} is distinct from $3
             order by org_id, id limit $4 for update skip locked`,
            [after[0], after[1], primary, batchSize],
          )
        ).rows;
        for (const row of rows) {
          let next: SealedSecret;
          try {
            next = rewrap(keyring, row.sealed, { orgId: row.org_id, table: col.table, rowId: row.id, column: col.column });
          } catch (err) {
            if (!isPlexusError(err)) throw err;
            result.unreadable.push({ table: col.table, org_id: row.org_id, id: row.id, reason: err.code });
            continue;
          }
          await client.query(`update ${col.table} set ${col.column} = $3, ${col.keyIdColumn} = $4 where org_id = $1 and id = $2`, [
            row.org_id,
            row.id,
            next,
            next.kid,
          ]);
          result.rewrapped++;
        }
        await client.query('commit');
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
      const last = rows[rows.length - 1];
      if (!last || rows.length < batchSize) break;
      after = [last.org_id, last.id];
    }
    const { rows } = await owner.query<{ n: number }>(
      `select count(*)::int as n from ${col.table} where ${col.column} is not null and ${col.keyIdColumn} is distinct from $1`,
      [primary],
    );
    result.remaining += rows[0]?.n ?? 0;
  }
  return result;
}
