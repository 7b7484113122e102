/**
 * Seeded Snapchat data: the member, organizations → ad accounts → campaigns → ad squads → ads.
 * Ids are UUIDs, money is `*_micro` (1.00 = 1,000,000), times are ISO 8601 with milliseconds.
 * Ads carry a delivery profile; their daily stats are computed on demand (metrics.ts), so `size`
 * (approximate ad × day rows) costs only the entity tree.
 */
import { rngFor, type Rng } from '../../../sandbox/kit/rng.ts';
import { addDays } from '../../kit/account-time.ts';

export interface Organization {
  id: string;
  name: string;
  type: string;
  state: string;
  country: string;
  locality: string;
  created_at: string;
  updated_at: string;
}

export interface AdAccount {
  id: string;
  organization_id: string;
  name: string;
  type: string;
  status: string;
  currency: string;
  timezone: string;
  funding_source_ids: string[];
  billing_type: string;
  agency_representing_client: boolean;
  client_paying_invoices: boolean;
  created_at: string;
  updated_at: string;
}

export interface Campaign {
  id: string;
  ad_account_id: string;
  name: string;
  status: 'ACTIVE' | 'PAUSED';
  objective: string;
  start_time: string;
  end_time?: string;
  daily_budget_micro?: number;
  lifetime_spend_cap_micro?: number;
  buy_model: string;
  delivery_status: string[];
  creation_state: string;
  created_at: string;
  updated_at: string;
  deleted?: boolean;
}

export interface AdSquad {
  id: string;
  campaign_id: string;
  name: string;
  status: 'ACTIVE' | 'PAUSED';
  type: string;
  targeting: Record<string, unknown>;
  placement_v2: { config: string };
  billing_event: string;
  bid_strategy: string;
  optimization_goal: string;
  daily_budget_micro?: number;
  lifetime_budget_micro?: number;
  start_time: string;
  end_time?: string;
  delivery_status: string[];
  created_at: string;
  updated_at: string;
  deleted?: boolean;
}

export interface Ad {
  id: string;
  ad_squad_id: string;
  creative_id: string;
  name: string;
  type: string;
  status: 'ACTIVE' | 'PAUSED';
  review_status: string;
  render_type: string;
  delivery_status: string[];
  created_at: string;
  updated_at: string;
  deleted?: boolean;
}

export interface DeliveryProfile {
  impressions: number;
  swipeRate: number;
  /** Cost per 1,000 impressions in micros of the account currency. */
  cpmMicro: number;
  purchaseRate: number;
  orderMicro: number;
}

export interface SnapWorld {
  seed: number | string;
  me: {
    id: string;
    email: string;
    display_name: string;
    organization_id: string;
    member_status: string;
    created_at: string;
    updated_at: string;
  };
  organizations: Organization[];
  accounts: AdAccount[];
  campaigns: Campaign[];
  adsquads: AdSquad[];
  ads: Ad[];
  /** Seeded ads deliver; the map stays outside the entities so it never reaches the wire. */
  profiles: Map<string, DeliveryProfile>;
  /** First account-local date with delivery, and how many days follow. */
  firstDay: string;
  days: number;
  /** Restatement generation per date: bumping it changes that day's numbers. */
  restated: Map<string, number>;
}

export function snapTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function uuid(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => '0123456789abcdef'[rng.int(0, 15)]).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[rng.int(0, 3)]}${hex.slice(17, 20)}-${hex.slice(20)}`;
}

export function seedWorld(seed: number | string, size: number, now: number): SnapWorld {
  const rng = rngFor(seed, 'snapchat', 'world');
  const at = (daysAgo: number) => snapTime(now - daysAgo * 86_400_000 - rng.int(0, 86_399_999));
  const orgs: Organization[] = [
    {
      id: uuid(rng),
      name: 'Acme Snap Org',
      type: 'ENTERPRISE',
      state: 'ACTIVE',
      country: 'US',
      locality: 'Los Angeles',
      created_at: at(900),
      updated_at: at(100),
    },
    {
      id: uuid(rng),
      name: 'Nordlicht Agency',
      type: 'PARTNER',
      state: 'ACTIVE',
      country: 'DE',
      locality: 'Berlin',
      created_at: at(700),
      updated_at: at(50),
    },
  ];
  const accounts: AdAccount[] = [];
  for (const [i, o] of orgs.entries()) {
    for (let k = 0; k < 2; k++) {
      accounts.push({
        id: uuid(rng),
        organization_id: o.id,
        name: `${o.name} — ${k === 0 ? 'Main' : 'Tests'}`,
        type: 'PARTNER',
        status: 'ACTIVE',
        currency: i === 0 ? 'USD' : 'EUR',
        timezone: i === 0 ? 'America/Los_Angeles' : 'Europe/Berlin',
        funding_source_ids: [uuid(rng)],
        billing_type: 'IO',
        agency_representing_client: i === 1,
        client_paying_invoices: false,
        created_at: at(600 - k * 100),
        updated_at: at(30),
      });
    }
  }
  const campaigns: Campaign[] = [];
  const total = Math.max(3, Math.ceil(size / 90));
  for (let i = 0; i < total; i++) {
    const a = accounts[i % accounts.length] as AdAccount;
    const created = now - rng.int(2, 400) * 86_400_000 - rng.int(0, 86_399_999);
    const daily = rng.chance(0.8);
    campaigns.push({
      id: uuid(rng),
      ad_account_id: a.id,
      name: `${rng.pick(['Lens launch', 'Story ads', 'App installs', 'Web traffic', 'Retarget'])} ${i + 1}`,
      status: rng.chance(0.65) ? 'ACTIVE' : 'PAUSED',
      objective: rng.pick(['BRAND_AWARENESS', 'APP_INSTALL', 'WEB_CONVERSION', 'VIDEO_VIEW', 'ENGAGEMENT']),
      start_time: snapTime(created + 86_400_000),
      ...(rng.chance(0.3) ? { end_time: snapTime(created + rng.int(10, 90) * 86_400_000) } : {}),
      ...(daily
        ? { daily_budget_micro: rng.int(20, 800) * 1_000_000 }
        : { lifetime_spend_cap_micro: rng.int(500, 20000) * 1_000_000 }),
      buy_model: 'AUCTION',
      delivery_status: ['VALID'],
      creation_state: 'PUBLISHED',
      created_at: snapTime(created),
      updated_at: snapTime(created + rng.int(0, 20) * 86_400_000),
    });
  }
  const { adsquads, ads, profiles } = seedTree(seed, campaigns, accounts);
  // Days chosen so ads × days lands near `size`, like Meta's sandbox.
  const days = Math.min(90, Math.max(1, Math.round(size / Math.max(1, ads.length))));
  const lastDay = addDays(new Date(now).toISOString().slice(0, 10), -1);
  const firstOrg = orgs[0] as Organization;
  return {
    seed,
    adsquads,
    ads,
    profiles,
    firstDay: addDays(lastDay, -(days - 1)),
    days,
    restated: new Map(),
    me: {
      id: uuid(rng),
      email: 'sandbox.member@example.com',
      display_name: 'Sandbox Member',
      organization_id: firstOrg.id,
      member_status: 'ACTIVE',
      created_at: at(900),
      updated_at: at(10),
    },
    organizations: orgs,
    accounts,
    campaigns,
  };
}

/** Ad squads and ads from their own stream, so the organizations, accounts and campaigns stay as seeded before. */
function seedTree(
  seed: number | string,
  campaigns: readonly Campaign[],
  accounts: readonly AdAccount[],
): Pick<SnapWorld, 'adsquads' | 'ads' | 'profiles'> {
  const rng = rngFor(seed, 'snapchat', 'tree');
  const adsquads: AdSquad[] = [];
  const ads: Ad[] = [];
  const profiles = new Map<string, DeliveryProfile>();
  for (const c of campaigns) {
    const currency = accounts.find((a) => a.id === c.ad_account_id)?.currency ?? 'USD';
    const base = Date.parse(c.created_at);
    const squads = rng.int(1, 2);
    for (let s = 0; s < squads; s++) {
      const created = base + rng.int(1, 3_600) * 1000;
      const daily = c.lifetime_spend_cap_micro !== undefined || rng.chance(0.7);
      adsquads.push({
        id: uuid(rng),
        campaign_id: c.id,
        name: `${c.name} · ${rng.pick(['US 18-34', 'DE broad', 'Lookalike 1%', 'Retarget 30d', 'Interests: gaming'])}`,
        status: rng.chance(0.8) ? 'ACTIVE' : 'PAUSED',
        type: 'SNAP_ADS',
        targeting: { regulated_content: false, geos: [{ country_code: rng.pick(['us', 'de', 'gb', 'fr']) }] },
        placement_v2: { config: 'AUTOMATIC' },
        billing_event: 'IMPRESSION',
        bid_strategy: 'AUTO_BID',
        optimization_goal: rng.pick(['IMPRESSIONS', 'SWIPES', 'PIXEL_PURCHASE', 'APP_INSTALLS']),
        // Micros of whole cents: budgets are entered with at most two decimals.
        ...(daily
          ? { daily_budget_micro: rng.int(2_000, 50_000) * 10_000 }
          : { lifetime_budget_micro: rng.int(50_000, 2_000_000) * 10_000 }),
        start_time: c.start_time,
        ...(c.end_time ? { end_time: c.end_time } : {}),
        delivery_status: ['VALID'],
        created_at: snapTime(created),
        updated_at: snapTime(created + rng.int(0, 10) * 86_400_000),
      });
      const squad = adsquads[adsquads.length - 1] as AdSquad;
      const count = rng.int(1, 2);
      for (let k = 0; k < count; k++) {
        const adCreated = created + rng.int(1, 3_600) * 1000;
        const id = uuid(rng);
        ads.push({
          id,
          ad_squad_id: squad.id,
          creative_id: uuid(rng),
          name: `${rng.pick(['Snap Ad', 'Story Ad', 'Collection Ad', 'Lens Ad'])} ${String.fromCharCode(65 + k)}`,
          type: 'SNAP_AD',
          status: rng.chance(0.85) ? 'ACTIVE' : 'PAUSED',
          review_status: rng.chance(0.06) ? rng.pick(['PENDING_REVIEW', 'REJECTED']) : 'APPROVED',
          render_type: 'STATIC',
          delivery_status: ['VALID'],
          created_at: snapTime(adCreated),
          updated_at: snapTime(adCreated + rng.int(0, 10) * 86_400_000),
        });
        profiles.set(id, {
          impressions: rng.int(500, 12_000),
          swipeRate: rng.float(0.003, 0.02),
          cpmMicro: rng.int(currency === 'EUR' ? 2_000_000 : 2_500_000, 9_000_000),
          purchaseRate: rng.float(0.01, 0.06),
          orderMicro: rng.int(15, 120) * 1_000_000,
        });
      }
    }
  }
  return { adsquads, ads, profiles };
}
