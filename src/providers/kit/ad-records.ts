import { plexusError, type PlexusError } from '../../core/errors.ts';
import type { AdEntityRecord, AdLevel, AdMetricRecord, AdStatus, AdsSyncContext } from '../contracts/ads.ts';

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

/** What a campaign, ad group or ad says of itself; its currency, when it names none, is its account's. */
export type EntityFields = Omit<AdEntityRecord, 'level' | 'accountPlatformId' | 'timeZone' | 'raw'>;

/** A campaign, ad group or ad of `account` in the unified shape. */
export function adEntity(
  level: Exclude<AdLevel, 'account'>,
  account: AdEntityRecord,
  raw: unknown,
  fields: EntityFields,
): AdEntityRecord {
  const currency = fields.currency ?? account.currency ?? null;
  return { level, accountPlatformId: account.platformId, ...fields, currency, raw };
}

/** The numbers a platform reports for one ad on one day. */
export type DayNumbers = Pick<AdMetricRecord, 'impressions' | 'clicks' | 'spendMicros' | 'conversions'>;

/** One ad's day in the unified shape: metrics are pulled per ad, in the account's currency. */
export function adDay(account: AdEntityRecord, platformId: string, date: string, numbers: DayNumbers): AdMetricRecord {
  return { level: 'ad', platformId, date, ...numbers, currency: account.currency ?? null };
}

/** Reads one entity back as the platform now has it, mapped as the sync maps it: what a write answers with. */
export type EntityReader = (
  s: AdsSyncContext,
  account: AdEntityRecord,
  level: Exclude<AdLevel, 'account'>,
  id: string,
) => Promise<AdEntityRecord>;

/** An entity a read by id did not find; `owner` names the account in the platform's words. */
export function entityNotFound(owner: string, level: Exclude<AdLevel, 'account'>, id: string): PlexusError {
  return plexusError('provider.not_found', { message: `${owner} has no ${level.replace('_', ' ')} ${id}.` });
}
