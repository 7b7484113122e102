/**
 * Seeded X Ads data: ad accounts (base-36 ids) with funding instruments and campaigns. Money is
 * `*_local_micro` (value × 1e6 for every currency), times are ISO 8601 UTC with `Z`.
 */
import type { DeliveryWindow } from '../../../sandbox/kit/day-metrics.ts';
import { rngFor } from '../../../sandbox/kit/rng.ts';
import { addDays } from '../../kit/account-time.ts';

export interface Account {
  id: string;
  name: string;
  business_name: string;
  business_id: string;
  timezone: string;
  timezone_switch_at: string;
  industry_type: string;
  approval_status: string;
  salt: string;
  created_at: string;
  updated_at: string;
  deleted: boolean;
  currency: string;
}

export interface Campaign {
  id: string;
  account_id: string;
  name: string;
  funding_instrument_id: string;
  entity_status: 'ACTIVE' | 'DRAFT' | 'PAUSED';
  effective_status: string;
  servable: boolean;
  reasons_not_servable: string[];
  daily_budget_amount_local_micro: number | null;
  total_budget_amount_local_micro: number | null;
  budget_optimization: string;
  standard_delivery: boolean;
  duration_in_days: number | null;
  frequency_cap: number | null;
  purchase_order_number: string | null;
  currency: string;
  created_at: string;
  updated_at: string;
  deleted: boolean;
}

export interface LineItem {
  id: string;
  account_id: string;
  campaign_id: string;
  name: string;
  objective: string;
  product_type: string;
  placements: string[];
  bid_strategy: string;
  bid_amount_local_micro: number | null;
  goal: string;
  pay_by: string;
  start_time: string;
  end_time: string | null;
  entity_status: 'ACTIVE' | 'DRAFT' | 'PAUSED';
  daily_budget_amount_local_micro: number | null;
  total_budget_amount_local_micro: number | null;
  standard_delivery: boolean;
  currency: string;
  created_at: string;
  updated_at: string;
  deleted: boolean;
}

export interface PromotedTweet {
  id: string;
  account_id: string;
  line_item_id: string;
  tweet_id: string;
  entity_status: 'ACTIVE' | 'PAUSED';
  approval_status: string;
  created_at: string;
  updated_at: string;
  deleted: boolean;
}

export interface XWorld extends DeliveryWindow {
  user: { id: string; screenName: string };
  accounts: Account[];
  campaigns: Campaign[];
  lineItems: LineItem[];
  promotedTweets: PromotedTweet[];
  /** Each account's funding instrument (the one its campaigns draw on). */
  instruments: Map<string, string>;
  /** Impressions per day and cost per 1,000 in micros; the map never reaches the wire. */
  profiles: Map<string, { impressions: number; ctr: number; cpmMicro: number }>;
}

export function xTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function seedWorld(seed: number | string, size: number, now: number): XWorld {
  const rng = rngFor(seed, 'x', 'world');
  const b36 = (len: number): string => rng.alnum(len);
  const defs = [
    { name: 'Acme on X', currency: 'USD', timezone: 'America/Los_Angeles' },
    { name: 'Nordlicht X', currency: 'EUR', timezone: 'Europe/Berlin' },
  ];
  const accounts: Account[] = defs.map((d) => {
    const created = now - rng.int(300, 1500) * 86_400_000;
    return {
      id: b36(11),
      name: d.name,
      business_name: `${d.name} Inc`,
      business_id: b36(10),
      timezone: d.timezone,
      timezone_switch_at: xTime(created),
      industry_type: 'RETAIL',
      approval_status: 'ACCEPTED',
      salt: rng.alnum(32),
      created_at: xTime(created),
      updated_at: xTime(created + rng.int(1, 200) * 86_400_000),
      deleted: false,
      currency: d.currency,
    };
  });
  const campaigns: Campaign[] = [];
  const total = Math.max(3, Math.ceil(size / 90));
  const instruments = new Map(accounts.map((a) => [a.id, b36(5)]));
  for (let i = 0; i < total; i++) {
    const a = accounts[i % accounts.length] as Account;
    const status = rng.pick(['ACTIVE', 'ACTIVE', 'PAUSED', 'DRAFT'] as const);
    const deleted = status === 'PAUSED' && rng.chance(0.3);
    const created = now - rng.int(2, 400) * 86_400_000 - rng.int(0, 86_399) * 1000;
    campaigns.push({
      id: b36(5),
      account_id: a.id,
      name: `${rng.pick(['Followers', 'Launch', 'Website clicks', 'Video views', 'Retargeting'])} ${i + 1}`,
      funding_instrument_id: instruments.get(a.id) ?? '',
      entity_status: status,
      effective_status: status === 'ACTIVE' ? 'RUNNING' : status === 'PAUSED' ? 'PAUSED' : 'DRAFT',
      servable: status === 'ACTIVE',
      reasons_not_servable: status === 'ACTIVE' ? [] : status === 'PAUSED' ? ['PAUSED_BY_ADVERTISER'] : ['INCOMPLETE'],
      daily_budget_amount_local_micro: rng.int(5, 500) * 1_000_000,
      total_budget_amount_local_micro: rng.chance(0.5) ? rng.int(1000, 50000) * 1_000_000 : null,
      budget_optimization: 'CAMPAIGN',
      standard_delivery: rng.chance(0.7),
      duration_in_days: null,
      frequency_cap: null,
      purchase_order_number: null,
      currency: a.currency,
      created_at: xTime(created),
      updated_at: xTime(created + rng.int(0, 30) * 86_400_000),
      deleted,
    });
  }
  // Line items and promoted tweets from their own stream, so accounts and campaigns stay as seeded before.
  const tree = rngFor(seed, 'x', 'tree');
  const lineItems: LineItem[] = [];
  const promotedTweets: PromotedTweet[] = [];
  const profiles: XWorld['profiles'] = new Map();
  for (const c of campaigns) {
    const created = Date.parse(c.created_at);
    for (let l = tree.int(1, 2); l > 0; l--) {
      const status = c.entity_status === 'DRAFT' ? 'DRAFT' : tree.chance(0.8) ? 'ACTIVE' : 'PAUSED';
      const li: LineItem = {
        id: tree.alnum(5),
        account_id: c.account_id,
        campaign_id: c.id,
        name: `${c.name} / ${tree.pick(['Followers of @brand', 'Keywords', 'Lookalikes', 'Conversation'])}`,
        objective: tree.pick(['WEBSITE_CLICKS', 'ENGAGEMENTS', 'FOLLOWERS', 'VIDEO_VIEWS', 'REACH']),
        product_type: 'PROMOTED_TWEETS',
        placements: ['ALL_ON_TWITTER'],
        bid_strategy: 'AUTO',
        bid_amount_local_micro: null,
        goal: 'LINK_CLICKS',
        pay_by: 'IMPRESSION',
        start_time: xTime(created + 86_400_000),
        end_time: null,
        entity_status: status,
        daily_budget_amount_local_micro: tree.chance(0.4) ? tree.int(5, 200) * 1_000_000 : null,
        total_budget_amount_local_micro: tree.chance(0.3)
          ? tree.int(500, 20_000) * 1_000_000 + tree.int(0, 99) * 10_000
          : null,
        standard_delivery: true,
        currency: c.currency,
        created_at: xTime(created + tree.int(1, 3600) * 1000),
        updated_at: xTime(created + tree.int(0, 20) * 86_400_000),
        deleted: false,
      };
      lineItems.push(li);
      for (let k = tree.int(1, 2); k > 0; k--) {
        const pt: PromotedTweet = {
          id: tree.alnum(5),
          account_id: c.account_id,
          line_item_id: li.id,
          tweet_id: `1${tree.digits(18)}`,
          entity_status: tree.chance(0.9) ? 'ACTIVE' : 'PAUSED',
          approval_status: 'ACCEPTED',
          created_at: li.created_at,
          updated_at: li.updated_at,
          deleted: c.deleted,
        };
        promotedTweets.push(pt);
        profiles.set(pt.id, {
          impressions: tree.int(400, 9000),
          ctr: tree.float(0.003, 0.02),
          cpmMicro: tree.int(3_000_000, 12_000_000),
        });
      }
    }
    if (c.deleted) for (const li of lineItems) if (li.campaign_id === c.id) li.deleted = true;
  }
  const live = promotedTweets.filter((p) => !p.deleted).length;
  // X serves no stats beyond 30 days back in practice (ads.md §5.5), so the window stays within it.
  const days = Math.min(28, Math.max(1, Math.round(size / Math.max(1, live))));
  const lastDay = addDays(new Date(now).toISOString().slice(0, 10), -1);
  return {
    seed,
    user: { id: `1${rng.digits(18)}`, screenName: 'sandbox_advertiser' },
    accounts,
    campaigns,
    lineItems,
    promotedTweets,
    instruments,
    profiles,
    firstDay: addDays(lastDay, -(days - 1)),
    days,
  };
}
