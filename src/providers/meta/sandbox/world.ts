/**
 * The Meta object graph held by the sandbox: ad accounts, campaigns, ad sets and ads, stored
 * with their Graph field values (budgets as minor-unit strings, Graph-style times), plus the
 * derived fields clients read (configured_status, effective_status). Objects are soft-deleted
 * the way Meta does it: status DELETED, still readable by id, hidden from edges by default.
 */
import type { Rng } from '../../../sandbox/kit/rng.ts';
import { graphTime } from './time.ts';
import { text } from '../../../sandbox/kit/text.ts';

export type Kind = 'account' | 'campaign' | 'adset' | 'ad';

export interface DeliveryProfile {
  impressions: number;
  ctr: number;
  cpmMinor: number;
  cvr: number;
  aovMinor: number;
}

export interface Entity {
  kind: Kind;
  /** Graph id: `act_…` for accounts, a numeric string otherwise. */
  id: string;
  /** Numeric ad account id (no `act_`). */
  accountId: string;
  fields: Record<string, unknown>;
  /** Seeded objects deliver; objects created through the API have no history. */
  profile?: DeliveryProfile;
  /** Review outcome that overrides an otherwise ACTIVE effective_status. */
  review?: 'PENDING_REVIEW' | 'WITH_ISSUES' | 'DISAPPROVED';
}

export const FIELDS: Record<Kind, readonly string[]> = {
  account: [
    'id',
    'account_id',
    'name',
    'account_status',
    'currency',
    'timezone_name',
    'timezone_offset_hours_utc',
    'amount_spent',
    'balance',
    'spend_cap',
    'business',
    'created_time',
    'disable_reason',
    'min_daily_budget',
  ],
  campaign: [
    'id',
    'account_id',
    'name',
    'objective',
    'status',
    'configured_status',
    'effective_status',
    'daily_budget',
    'lifetime_budget',
    'budget_remaining',
    'spend_cap',
    'bid_strategy',
    'buying_type',
    'special_ad_categories',
    'start_time',
    'stop_time',
    'created_time',
    'updated_time',
    'smart_promotion_type',
    'promoted_object',
  ],
  adset: [
    'id',
    'account_id',
    'campaign_id',
    'campaign',
    'name',
    'status',
    'configured_status',
    'effective_status',
    'daily_budget',
    'lifetime_budget',
    'lifetime_spend_cap',
    'budget_remaining',
    'bid_amount',
    'bid_strategy',
    'billing_event',
    'optimization_goal',
    'targeting',
    'promoted_object',
    'start_time',
    'end_time',
    'created_time',
    'updated_time',
  ],
  ad: [
    'id',
    'account_id',
    'campaign_id',
    'adset_id',
    'campaign',
    'adset',
    'name',
    'status',
    'configured_status',
    'effective_status',
    'creative',
    'created_time',
    'updated_time',
  ],
};

export const NODE_TYPE: Record<Kind, string> = { account: 'AdAccount', campaign: 'Campaign', adset: 'AdSet', ad: 'Ad' };

/** Fields Graph returns when the caller does not pass `fields`. */
export const DEFAULT_FIELDS: Record<Kind, readonly string[]> = {
  account: ['id', 'account_id'],
  campaign: ['id'],
  adset: ['id'],
  ad: ['id'],
};

export class MetaWorld {
  readonly byId = new Map<string, Entity>();
  readonly accounts: Entity[] = [];
  /** Per account and kind, newest first (the order edges return). */
  readonly #lists = new Map<string, Record<Exclude<Kind, 'account'>, Entity[]>>();
  /** Restatement generation per date; bumping it changes that day's metrics. */
  readonly restated = new Map<string, number>();
  #nextId: bigint;

  constructor(
    readonly seed: number | string,
    /** First day with delivery (UTC date). */
    readonly firstDay: string,
    readonly days: number,
    readonly rng: Rng,
  ) {
    this.#nextId = 23850000000000000n + BigInt(rng.int(0, 999_999)) * 1_000_000n;
  }

  newId(): string {
    this.#nextId += BigInt(this.rng.int(1, 9_999));
    return String(this.#nextId);
  }

  newAccountId(): string {
    let id: string;
    do id = this.rng.digits(15);
    while (this.byId.has(`act_${id}`));
    return id;
  }

  insertAccount(accountId: string, fields: Record<string, unknown>): Entity {
    const e: Entity = {
      kind: 'account',
      id: `act_${accountId}`,
      accountId,
      fields: { ...fields, account_id: accountId },
    };
    this.byId.set(e.id, e);
    this.accounts.push(e);
    this.#lists.set(accountId, { campaign: [], adset: [], ad: [] });
    return e;
  }

  insert(kind: Exclude<Kind, 'account'>, accountId: string, fields: Record<string, unknown>): Entity {
    const e: Entity = { kind, id: this.newId(), accountId, fields: { ...fields, account_id: accountId } };
    this.byId.set(e.id, e);
    this.#lists.get(accountId)?.[kind].unshift(e);
    return e;
  }

  get(id: string): Entity | undefined {
    return this.byId.get(id);
  }

  account(accountId: string): Entity | undefined {
    return this.byId.get(`act_${accountId}`);
  }

  /** All objects of a kind under a node (account, campaign or ad set), newest first. */
  under(node: Entity, kind: Exclude<Kind, 'account'>): Entity[] {
    const all = this.#lists.get(node.accountId)?.[kind] ?? [];
    if (node.kind === 'account') return all;
    if (node.kind === kind) return [node];
    const key = node.kind === 'campaign' ? 'campaign_id' : 'adset_id';
    return all.filter((e) => e.fields[key] === node.id);
  }

  update(e: Entity, patch: Record<string, unknown>, now: number): void {
    Object.assign(e.fields, patch);
    e.fields['updated_time'] = graphTime(now);
  }

  /** Deleting a parent deletes its children, as on the platform. */
  softDelete(e: Entity, now: number): void {
    if (e.kind === 'account') throw new Error('ad accounts cannot be deleted');
    this.update(e, { status: 'DELETED' }, now);
    if (e.kind === 'ad') return;
    for (const child of [...this.under(e, 'adset'), ...this.under(e, 'ad')]) {
      if (child !== e && child.fields['status'] !== 'DELETED') this.update(child, { status: 'DELETED' }, now);
    }
  }

  effectiveStatus(e: Entity): string | undefined {
    if (e.kind === 'account') return undefined;
    const own = String(e.fields['status']);
    if (own !== 'ACTIVE') return own;
    const campaign = e.kind === 'campaign' ? undefined : this.get(String(e.fields['campaign_id']));
    const cs = campaign ? String(campaign.fields['status']) : 'ACTIVE';
    if (cs === 'PAUSED') return 'CAMPAIGN_PAUSED';
    if (cs !== 'ACTIVE') return cs;
    if (e.kind === 'ad') {
      const adset = this.get(String(e.fields['adset_id']));
      const ss = adset ? String(adset.fields['status']) : 'ACTIVE';
      if (ss === 'PAUSED') return 'ADSET_PAUSED';
      if (ss !== 'ACTIVE') return ss;
      if (e.review) return e.review;
    }
    return 'ACTIVE';
  }

  /** The object as Graph returns it for the requested fields (unset fields are omitted). */
  serialize(
    e: Entity,
    fields: readonly string[],
    computed: (e: Entity, field: string) => unknown = () => undefined,
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const value = this.#field(e, f) ?? computed(e, f);
      if (value !== undefined) out[f] = value;
    }
    out['id'] = e.id;
    return out;
  }

  #field(e: Entity, f: string): unknown {
    switch (f) {
      case 'id':
        return e.id;
      case 'configured_status':
        return e.kind === 'account' ? undefined : e.fields['status'];
      case 'effective_status':
        return this.effectiveStatus(e);
      case 'budget_remaining':
        return e.kind === 'account' ? undefined : text(e.fields['daily_budget'] ?? e.fields['lifetime_budget'], '0');
      case 'campaign':
        return e.fields['campaign_id'] === undefined ? undefined : { id: e.fields['campaign_id'] };
      case 'adset':
        return e.fields['adset_id'] === undefined ? undefined : { id: e.fields['adset_id'] };
      default:
        return e.fields[f];
    }
  }

  counts(): Record<Kind, number> {
    const c: Record<Kind, number> = { account: this.accounts.length, campaign: 0, adset: 0, ad: 0 };
    for (const lists of this.#lists.values()) {
      c.campaign += lists.campaign.length;
      c.adset += lists.adset.length;
      c.ad += lists.ad.length;
    }
    return c;
  }
}
