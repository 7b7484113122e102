import { randomBytes } from 'node:crypto';
import type { Pool } from '../db/pool.ts';
import { open, seal, type SealedSecret } from './cipher.ts';
import type { Keyring, OrgKey, OrgKeyStore } from './keyring.ts';

const ctx = (orgId: string) => ({ orgId, table: 'org_keys', rowId: orgId, column: 'wrapped' });

// Opening a secret is on hot paths (every platform call, every webhook); a short cache spares a
// query each time. Erasure evicts it here; another process forgets it within the TTL.
const CACHE_TTL_MS = 60_000;

/**
 * Org keys in the `org_keys` table (owner only), each wrapped by a master key. `plexus keys
 * rotate` re-wraps these rows; the secrets under them are untouched by a master-key rotation.
 */
export class PgOrgKeyStore implements OrgKeyStore {
  private readonly cache = new Map<string, { key: OrgKey; until: number }>();

  /** `master` must be a keyring without an org-key store: it wraps the org keys themselves. */
  constructor(
    private readonly owner: Pool,
    private readonly master: Keyring,
  ) {}

  async get(orgId: string, create: boolean): Promise<OrgKey | undefined> {
    const hit = this.cache.get(orgId);
    if (hit && hit.until > Date.now()) return hit.key;
    let row = await this.read(orgId);
    if (!row && create) {
      const fresh = randomBytes(32);
      const wrapped = await seal(this.master, fresh.toString('base64'), ctx(orgId));
      fresh.fill(0);
      // Two processes may race to create it: the first insert wins and both read the winner.
      await this.owner.query(
        'insert into org_keys (org_id, wrapped, master_key_id) values ($1, $2, $3) on conflict (org_id) do nothing',
        [orgId, wrapped, wrapped.kid],
      );
      row = await this.read(orgId);
    }
    if (!row) return undefined;
    const key: OrgKey = { id: row.id, key: Buffer.from(await open(this.master, row.wrapped, ctx(orgId)), 'base64') };
    this.cache.set(orgId, { key, until: Date.now() + CACHE_TTL_MS });
    return key;
  }

  async destroy(orgId: string): Promise<void> {
    this.evict(orgId);
    await this.owner.query('delete from org_keys where org_id = $1', [orgId]);
  }

  private evict(orgId: string) {
    this.cache.get(orgId)?.key.key.fill(0);
    this.cache.delete(orgId);
  }

  private async read(orgId: string): Promise<{ id: string; wrapped: SealedSecret } | undefined> {
    const { rows } = await this.owner.query<{ id: string; wrapped: SealedSecret }>(
      'select id, wrapped from org_keys where org_id = $1',
      [orgId],
    );
    return rows[0];
  }
}

/** The keyring with per-org keys: what every process that seals or opens tenant secrets uses. */
export function withOrgKeys(keyring: Keyring, owner: Pool): Keyring {
  const master: Keyring = { primaryId: () => keyring.primaryId(), get: (kid) => keyring.get(kid) };
  return { ...master, orgKeys: new PgOrgKeyStore(owner, master) };
}
