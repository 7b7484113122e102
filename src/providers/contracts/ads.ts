import type { Connector, ConnectorContext } from './connector.ts';
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
  /**
   * The platform is still preparing the data (an asynchronous report): the engine saves `next`
   * and asks again after this many ms. A worker that dies meanwhile resumes with that cursor.
   */
  waitMs?: number;
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
  /**
   * Set on runs that list entities incrementally (adapters with `listsChangedSince`): ISO time
   * from which entities changed; unset when every entity is to be listed.
   */
  changedSince?: string;
}

/**
 * What a provider implements to be synced: one page at a time from a cursor, so the engine
 * can save the cursor after every page. Accounts come first; the other steps run per account.
 */
export interface AdsSyncAdapter {
  /** How many trailing days the platform may still restate (re-pulled on every sync). */
  lookbackDays: number;
  /**
   * When true, `entities` honours `s.changedSince`: it returns only entities changed since then,
   * deleted and archived ones included with that status, so the engine can skip listing
   * everything on most runs (deletions then arrive as records, not as absences).
   */
  listsChangedSince?: boolean;
  accounts(s: AdsSyncContext, cursor: string | null): Promise<Page<AdEntityRecord>>;
  entities(
    s: AdsSyncContext,
    level: Exclude<AdLevel, 'account'>,
    account: AdEntityRecord,
    cursor: string | null,
  ): Promise<Page<AdEntityRecord>>;
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
  updateCampaign(
    s: AdsSyncContext,
    account: AdEntityRecord,
    platformId: string,
    input: CampaignInput,
  ): Promise<AdEntityRecord>;
  /** `account` addresses platforms whose delete paths name the ad account (it comes last so older writers still fit). */
  deleteCampaign(s: AdsSyncContext, platformId: string, account: AdEntityRecord): Promise<void>;
  setStatus(
    s: AdsSyncContext,
    account: AdEntityRecord,
    level: Exclude<AdLevel, 'account'>,
    platformId: string,
    status: 'active' | 'paused',
  ): Promise<AdEntityRecord>;
}
