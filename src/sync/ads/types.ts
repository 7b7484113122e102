import type { Connector, ConnectorContext } from '../../providers/connector.ts';
import type { DecryptedCredentials } from '../../vault/credentials.ts';

export type AdLevel = 'account' | 'campaign' | 'ad_group' | 'ad';
export type AdStatus = 'active' | 'paused' | 'pending' | 'archived' | 'deleted' | 'error' | 'unknown';

/** An ad account, campaign, ad group (ad set, line item, ad squad) or ad in the unified shape. */
export interface AdEntityRecord {
  level: AdLevel;
  platformId: string;
  accountPlatformId: string;
  parentPlatformId: string | null;
  name: string | null;
  status: AdStatus;
  platformStatus: string | null;
  objective?: string | null;
  currency?: string | null;
  timeZone?: string | null;
  dailyBudgetMicros?: bigint | null;
  lifetimeBudgetMicros?: bigint | null;
  startAt?: string | null;
  endAt?: string | null;
  raw: unknown;
}

/** One entity's numbers for one day in the account's time zone; money in micros. */
export interface AdMetricRecord {
  level: AdLevel;
  platformId: string;
  date: string;
  impressions: number;
  clicks: number;
  spendMicros: bigint;
  conversions: number;
  currency: string | null;
}

export interface Page<T> {
  records: T[];
  /** Cursor of the next page, or null when this was the last. */
  next: string | null;
}

export interface AdsSyncContext {
  connector: Connector;
  ctx: ConnectorContext;
  creds: DecryptedCredentials;
  /** Metrics window, inclusive, in the account's calendar. */
  since: string;
  until: string;
  /** Set by an adapter when the platform's usage signals ask for a pause before the next call. */
  pendingPauseMs?: number;
}

/**
 * What a provider implements to be synced: one page at a time from a cursor, so the engine
 * can save the cursor after every page. Accounts come first; the other steps run per account.
 */
export interface AdsSyncAdapter {
  /** How many trailing days the platform may still restate (re-pulled on every sync). */
  lookbackDays: number;
  accounts(s: AdsSyncContext, cursor: string | null): Promise<Page<AdEntityRecord>>;
  entities(s: AdsSyncContext, level: Exclude<AdLevel, 'account'>, account: AdEntityRecord, cursor: string | null): Promise<Page<AdEntityRecord>>;
  metrics(s: AdsSyncContext, account: AdEntityRecord, cursor: string | null): Promise<Page<AdMetricRecord>>;
}

/** A campaign as the unified API writes it; money in micros of the account currency. */
export interface CampaignInput {
  name?: string;
  objective?: string;
  status?: 'active' | 'paused';
  dailyBudgetMicros?: bigint | null;
  lifetimeBudgetMicros?: bigint | null;
  startAt?: string | null;
  endAt?: string | null;
}

/**
 * Campaign writes and status changes, translated to each platform's call and units. Each
 * returns the entity as the platform now has it, so the stored model reflects the write at once.
 */
export interface AdsWriteAdapter {
  createCampaign(s: AdsSyncContext, account: AdEntityRecord, input: CampaignInput): Promise<AdEntityRecord>;
  updateCampaign(s: AdsSyncContext, account: AdEntityRecord, platformId: string, input: CampaignInput): Promise<AdEntityRecord>;
  deleteCampaign(s: AdsSyncContext, platformId: string): Promise<void>;
  setStatus(s: AdsSyncContext, account: AdEntityRecord, level: Exclude<AdLevel, 'account'>, platformId: string, status: 'active' | 'paused'): Promise<AdEntityRecord>;
}
