import { isPlexusError } from '../core/errors.ts';
import type { Pool } from '../db/pool.ts';
import { withTx } from '../db/tx.ts';
import { ORG_KEY_PREFIX, rewrap, type SealedSecret } from './cipher.ts';
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
  // Org keys first: the secrets under them follow without being touched. Legacy secrets (wrapped
  // by a master key directly) move under their org's key when the keyring has an org-key store.
  await rewrapOrgKeys(owner, keyring, result);
  for (const col of SEALED_COLUMNS) {
    let after: [string, string] = ['00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000000'];
    for (;;) {
      const rows = await withTx(owner, async (client) => {
        const { rows } = await client.query<{ org_id: string; id: string; sealed: SealedSecret }>(
          `select org_id, id, ${col.column} as sealed from ${col.table}
           where (org_id, id) > ($1::uuid, $2::uuid) and ${col.column} is not null and ${col.keyIdColumn} is distinct from $3
             and ${col.keyIdColumn} not like '${ORG_KEY_PREFIX}%'
           order by org_id, id limit $4 for update skip locked`,
          [after[0], after[1], primary, batchSize],
        );
        for (const row of rows) {
          let next: SealedSecret;
          try {
            next = await rewrap(keyring, row.sealed, {
              orgId: row.org_id,
              table: col.table,
              rowId: row.id,
              column: col.column,
            });
          } catch (err) {
            if (!isPlexusError(err)) throw err;
            result.unreadable.push({ table: col.table, org_id: row.org_id, id: row.id, reason: err.code });
            continue;
          }
          await client.query(
            `update ${col.table} set ${col.column} = $3, ${col.keyIdColumn} = $4 where org_id = $1 and id = $2`,
            [row.org_id, row.id, next, next.kid],
          );
          result.rewrapped++;
        }
        return rows;
      });
      const last = rows[rows.length - 1];
      if (!last || rows.length < batchSize) break;
      after = [last.org_id, last.id];
    }
    const { rows } = await owner.query<{ n: number }>(
      `select count(*)::int as n from ${col.table} where ${col.column} is not null and ${col.keyIdColumn} is distinct from $1 and ${col.keyIdColumn} not like '${ORG_KEY_PREFIX}%'`,
      [primary],
    );
    result.remaining += rows[0]?.n ?? 0;
  }
  return result;
}

/** Org keys are few (one per org): one pass, each re-wrapped under the primary master key. */
async function rewrapOrgKeys(owner: Pool, keyring: Keyring, result: RotationResult): Promise<void> {
  const master: Keyring = { primaryId: () => keyring.primaryId(), get: (kid) => keyring.get(kid) };
  const primary = master.primaryId();
  const { rows } = await owner.query<{ org_id: string; wrapped: SealedSecret }>(
    'select org_id, wrapped from org_keys where master_key_id <> $1',
    [primary],
  );
  for (const row of rows) {
    try {
      const next = await rewrap(master, row.wrapped, {
        orgId: row.org_id,
        table: 'org_keys',
        rowId: row.org_id,
        column: 'wrapped',
      });
      // Only if it was not destroyed or re-wrapped meanwhile.
      const r = await owner.query(
        'update org_keys set wrapped = $2, master_key_id = $3 where org_id = $1 and wrapped = $4',
        [row.org_id, next, next.kid, row.wrapped],
      );
      result.rewrapped += r.rowCount ?? 0;
    } catch (err) {
      if (!isPlexusError(err)) throw err;
      result.unreadable.push({ table: 'org_keys', org_id: row.org_id, id: row.org_id, reason: err.code });
      result.remaining++;
    }
  }
}
