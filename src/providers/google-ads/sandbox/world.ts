/**
 * Seeded Google Ads data: one manager (MCC) account with client customers under it and one
 * standalone customer, each client holding campaigns with their budgets. Values are stored the
 * way GAQL names them (snake_case); the REST layer turns them into camelCase JSON.
 */
import { seedLayout, type DeliveryWindow } from '../../../sandbox/kit/day-metrics.ts';
import { rngFor } from '../../../sandbox/kit/rng.ts';

export interface AdGroup {
  id: string;
  customerId: string;
  campaignId: string;
  name: string;
  status: 'ENABLED' | 'PAUSED' | 'REMOVED';
  type: string;
  cpc_bid_micros: string;
}

export interface Ad {
  id: string;
  customerId: string;
  campaignId: string;
  adGroupId: string;
  name: string;
  status: 'ENABLED' | 'PAUSED' | 'REMOVED';
  type: string;
  approval_status: 'APPROVED' | 'APPROVED_LIMITED' | 'DISAPPROVED' | 'UNKNOWN';
  review_status: 'REVIEWED' | 'REVIEW_IN_PROGRESS';
  /** Delivery profile; daily rows are computed from it on demand (metrics.ts). */
  impressions: number;
  ctr: number;
  cpmMicros: number;
  cvr: number;
  /** Smallest billed amount: a cent, or a whole yen. */
  unitMicros: number;
}

export interface Customer {
  id: string;
  descriptive_name: string;
  currency_code: string;
  time_zone: string;
  manager: boolean;
  test_account: boolean;
  status: 'ENABLED' | 'CANCELED' | 'SUSPENDED' | 'CLOSED';
  /** Manager this customer is linked under, if any. */
  managerId: string | null;
}

export interface Budget {
  id: string;
  customerId: string;
  name: string;
  /** Daily amount; unset on custom-period (total) budgets. */
  amount_micros: string | null;
  /** Whole-flight amount of a custom-period budget. */
  total_amount_micros?: string | null;
  period: 'DAILY' | 'CUSTOM_PERIOD';
  delivery_method: 'STANDARD' | 'ACCELERATED';
  explicitly_shared: boolean;
  status: 'ENABLED' | 'REMOVED';
}

export interface Campaign {
  id: string;
  customerId: string;
  name: string;
  status: 'ENABLED' | 'PAUSED' | 'REMOVED';
  serving_status: string;
  advertising_channel_type: string;
  bidding_strategy_type: string;
  start_date: string;
  end_date: string;
  budgetId: string;
}

export interface GoogleWorld extends DeliveryWindow {
  user: { email: string; sub: string };
  customers: Customer[];
  budgets: Map<string, Budget>;
  campaigns: Campaign[];
  adGroups: AdGroup[];
  ads: Ad[];
  /** Restatement generation per date; bumping it changes that day's numbers. */
  restated: Map<string, number>;
}

const CHANNELS = ['SEARCH', 'DISPLAY', 'PERFORMANCE_MAX', 'VIDEO', 'SHOPPING', 'DEMAND_GEN'] as const;
const BIDDING: Record<string, string> = {
  SEARCH: 'MAXIMIZE_CONVERSIONS',
  DISPLAY: 'TARGET_CPA',
  PERFORMANCE_MAX: 'MAXIMIZE_CONVERSION_VALUE',
  VIDEO: 'TARGET_CPM',
  SHOPPING: 'TARGET_ROAS',
  DEMAND_GEN: 'MAXIMIZE_CLICKS',
};
const WORDS = [
  'Brand',
  'Generic',
  'Retargeting',
  'Spring Sale',
  'Always On',
  'Competitor',
  'Prospecting',
  'Holiday',
  'Launch',
  'Evergreen',
];

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `size` ≈ daily metric rows (campaigns × 90 days), as for the other ad sandboxes. */
export function seedWorld(seed: number | string, size: number, now: number): GoogleWorld {
  const rng = rngFor(seed, 'google-ads', 'world');
  const ids = new Set<string>();
  const cid = (): string => {
    let id = rng.digits(10);
    while (ids.has(id)) id = rng.digits(10);
    ids.add(id);
    return id;
  };
  const manager: Customer = {
    id: cid(),
    descriptive_name: 'Sandbox Agency MCC',
    currency_code: 'USD',
    time_zone: 'America/New_York',
    manager: true,
    test_account: false,
    status: 'ENABLED',
    managerId: null,
  };
  const clients: Customer[] = [
    {
      id: cid(),
      descriptive_name: 'Acme Outdoor',
      currency_code: 'USD',
      time_zone: 'America/Los_Angeles',
      manager: false,
      test_account: false,
      status: 'ENABLED',
      managerId: manager.id,
    },
    {
      id: cid(),
      descriptive_name: 'Nordlicht GmbH',
      currency_code: 'EUR',
      time_zone: 'Europe/Berlin',
      manager: false,
      test_account: false,
      status: 'ENABLED',
      managerId: manager.id,
    },
  ];
  const standalone: Customer = {
    id: cid(),
    descriptive_name: 'Sandbox Direct Shop',
    currency_code: 'JPY',
    time_zone: 'Asia/Tokyo',
    manager: false,
    test_account: false,
    status: 'ENABLED',
    managerId: null,
  };
  const customers = [manager, ...clients, standalone];
  const budgets = new Map<string, Budget>();
  const campaigns: Campaign[] = [];
  const total = Math.max(3, Math.ceil(size / 90));
  const owners = [...clients, standalone];
  let seq = BigInt(rng.digits(11));
  for (let i = 0; i < total; i++) {
    const owner = owners[i % owners.length] as Customer;
    const channel = rng.pick(CHANNELS);
    const budgetId = String((seq += BigInt(rng.int(1, 97))));
    const major = owner.currency_code === 'JPY' ? rng.int(20, 500) * 100 : rng.int(5, 400);
    budgets.set(budgetId, {
      id: budgetId,
      customerId: owner.id,
      name: `Budget ${i + 1}`,
      amount_micros: String(BigInt(major) * 1_000_000n),
      period: 'DAILY',
      delivery_method: 'STANDARD',
      explicitly_shared: false,
      status: 'ENABLED',
    });
    const status = rng.chance(0.65) ? 'ENABLED' : rng.chance(0.7) ? 'PAUSED' : 'REMOVED';
    const started = now - rng.int(10, 400) * 86_400_000;
    campaigns.push({
      id: String((seq += BigInt(rng.int(1, 97)))),
      customerId: owner.id,
      name: `${rng.pick(WORDS)} | ${channel.toLowerCase()} #${i + 1}`,
      status,
      serving_status: status === 'ENABLED' ? 'SERVING' : status === 'PAUSED' ? 'SUSPENDED' : 'ENDED',
      advertising_channel_type: channel,
      bidding_strategy_type: BIDDING[channel] ?? 'MANUAL_CPC',
      start_date: day(started),
      // Google's "runs indefinitely" sentinel.
      end_date: rng.chance(0.7) ? '2037-12-30' : day(started + rng.int(30, 500) * 86_400_000),
      budgetId,
    });
  }
  const tree = seedTree(seed, size, now, campaigns, customers, seq);
  return { user: { email: 'sandbox.user@example.com', sub: rng.digits(21) }, customers, budgets, campaigns, ...tree };
}

const AUDIENCES = ['Exact match', 'Broad match', 'In-market', 'Remarketing list', 'Similar segments', 'Custom intent'];
const AD_TYPES: Record<string, string> = {
  SEARCH: 'RESPONSIVE_SEARCH_AD',
  DISPLAY: 'RESPONSIVE_DISPLAY_AD',
  PERFORMANCE_MAX: 'RESPONSIVE_DISPLAY_AD',
  VIDEO: 'VIDEO_RESPONSIVE_AD',
  SHOPPING: 'SHOPPING_PRODUCT_AD',
  DEMAND_GEN: 'DEMAND_GEN_MULTI_ASSET_AD',
};

/**
 * Ad groups and ads under the campaigns, from their own random stream so the campaigns above
 * stay exactly as before. `size` ≈ ads × days of metric rows; only the tree is built here.
 */
function seedTree(
  seed: number | string,
  size: number,
  now: number,
  campaigns: readonly Campaign[],
  customers: readonly Customer[],
  start: bigint,
): Pick<GoogleWorld, 'adGroups' | 'ads' | 'seed' | 'firstDay' | 'days' | 'restated'> {
  const rng = rngFor(seed, 'google-ads', 'tree');
  const { days, adCount } = seedLayout(size, campaigns.length);
  const adGroups: AdGroup[] = [];
  const ads: Ad[] = [];
  let seq = start * 10n;
  const next = (): string => String((seq += BigInt(rng.int(1, 97))));
  campaigns.forEach((c, i) => {
    const jpy = customers.find((x) => x.id === c.customerId)?.currency_code === 'JPY';
    let remaining = Math.floor(adCount / campaigns.length) + (i < adCount % campaigns.length ? 1 : 0);
    while (remaining > 0) {
      const group: AdGroup = {
        id: next(),
        customerId: c.customerId,
        campaignId: c.id,
        name: `${c.name} | ${rng.pick(AUDIENCES)}`,
        status: rng.chance(0.85) ? 'ENABLED' : rng.chance(0.7) ? 'PAUSED' : 'REMOVED',
        type:
          c.advertising_channel_type === 'SEARCH'
            ? 'SEARCH_STANDARD'
            : c.advertising_channel_type === 'VIDEO'
              ? 'VIDEO_RESPONSIVE'
              : 'DISPLAY_STANDARD',
        cpc_bid_micros: String(rng.int(5, 400) * 10_000),
      };
      adGroups.push(group);
      const n = Math.min(remaining, rng.int(1, 3));
      for (let k = 0; k < n; k++) {
        const approval = rng.chance(0.9)
          ? 'APPROVED'
          : rng.pick(['APPROVED_LIMITED', 'DISAPPROVED', 'UNKNOWN'] as const);
        ads.push({
          id: next(),
          customerId: c.customerId,
          campaignId: c.id,
          adGroupId: group.id,
          name: `Ad ${String.fromCharCode(65 + k)}`,
          status: rng.chance(0.85) ? 'ENABLED' : rng.chance(0.7) ? 'PAUSED' : 'REMOVED',
          type: AD_TYPES[c.advertising_channel_type] ?? 'RESPONSIVE_SEARCH_AD',
          approval_status: approval,
          review_status: approval === 'UNKNOWN' ? 'REVIEW_IN_PROGRESS' : 'REVIEWED',
          impressions: rng.int(200, 6000),
          ctr: rng.float(0.005, 0.06),
          cpmMicros: rng.int(1_500_000, 25_000_000) * (jpy ? 100 : 1),
          cvr: rng.float(0.01, 0.1),
          unitMicros: jpy ? 1_000_000 : 10_000,
        });
      }
      remaining -= n;
    }
  });
  const last = day(now - 86_400_000);
  const firstDay = day(Date.parse(`${last}T00:00:00Z`) - (days - 1) * 86_400_000);
  return { adGroups, ads, seed, firstDay, days, restated: new Map() };
}

/** One ad's numbers for one day (customer time zone), or undefined outside the window. */
export function adDay(
  world: GoogleWorld,
  ad: Ad,
  date: string,
): { impressions: number; clicks: number; cost_micros: number; conversions: number } | undefined {
  const i = Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${world.firstDay}T00:00:00Z`)) / 86_400_000);
  if (!(i >= 0 && i < world.days)) return undefined;
  const r = rngFor(world.seed, 'google-ads', 'metrics', ad.id, date, world.restated.get(date) ?? 0);
  const impressions = Math.max(1, Math.round(ad.impressions * r.float(0.7, 1.3)));
  const clicks = Math.round(impressions * ad.ctr * r.float(0.8, 1.2));
  // Conversions are doubles at Google (fractional attribution); two decimals are enough here.
  const conversions = Math.round(clicks * ad.cvr * r.float(0.5, 1.5) * 100) / 100;
  // Cost in micros, in whole billable units of the currency.
  const cost_micros = Math.round((impressions * ad.cpmMicros) / 1000 / ad.unitMicros) * ad.unitMicros;
  return { impressions, clicks, cost_micros, conversions };
}

/** Dates of the metrics window, oldest first. */
export function windowDates(world: GoogleWorld): string[] {
  const base = Date.parse(`${world.firstDay}T00:00:00Z`);
  return Array.from({ length: world.days }, (_, i) => day(base + i * 86_400_000));
}
