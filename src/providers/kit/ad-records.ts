import type { AdEntityRecord, AdStatus } from '../contracts/ads.ts';

/** A platform's status values and the unified status each means. */
export type StatusTable = Readonly<Record<string, AdStatus>>;

/** The platform's status as it is, beside the unified one (`unknown` where the table has none). */
export function mappedStatus(
  table: StatusTable,
  platformStatus: string | null,
): { status: AdStatus; platformStatus: string | null } {
  return { status: table[platformStatus ?? ''] ?? 'unknown', platformStatus };
}

/** What an ad account says of itself; the rest of its record follows from being an account. */
export type AccountFields = Pick<AdEntityRecord, 'name' | 'status' | 'platformStatus' | 'currency' | 'timeZone'>;

/** An ad account in the unified shape: its own account, with no parent. */
export function adAccount(id: string, raw: unknown, fields: AccountFields): AdEntityRecord {
  return { level: 'account', platformId: id, accountPlatformId: id, parentPlatformId: null, ...fields, raw };
}
