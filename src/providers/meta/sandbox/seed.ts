/**
 * Deterministic seeding of the Meta world: ad accounts → campaigns → ad sets → ads, each with a
 * delivery profile from which daily metrics are computed on demand (see metrics.ts). Only the
 * entity tree is built at start, so 100,000 metric rows cost about 1,100 ad objects.
 */
import { createRng, type Rng } from '../../../sandbox/kit/rng.ts';
import { addDays, DAY_MS, graphTime, isoDate } from './time.ts';
import { MetaWorld, type Entity } from './world.ts';

const ACCOUNT_PROFILES = [
  { currency: 'USD', timezone_name: 'America/Los_Angeles', offset: -8, cpm: [600, 1400] },
  { currency: 'EUR', timezone_name: 'Europe/Berlin', offset: 1, cpm: [500, 1200] },
  { currency: 'GBP', timezone_name: 'Europe/London', offset: 0, cpm: [500, 1100] },
  { currency: 'JPY', timezone_name: 'Asia/Tokyo', offset: 9, cpm: [700, 1800] },
  { currency: 'BRL', timezone_name: 'America/Sao_Paulo', offset: -3, cpm: [900, 2500] },
] as const;

const BRANDS = ['Acme Outdoor', 'Nordlicht Möbel', 'Café Lumière', 'Sakura Tea Co', 'Verde Bikes', 'Ørsted Audio'];
const THEMES = [
  'Spring Sale',
  'Black Friday',
  'Always-on',
  'Retargeting',
  'Prospecting',
  'Brand Lift',
  'Launch',
  'Été Promo',
];
const AUDIENCES = [
  'Broad',
  'Lookalike 1%',
  'Interests – Outdoor',
  'Website visitors 30d',
  'Cart abandoners',
  'Advantage+',
];
const FORMATS = ['Single image', 'Carousel', 'Video 15s', 'Collection', 'Story'];

const GOALS: Record<string, string> = {
  OUTCOME_AWARENESS: 'REACH',
  OUTCOME_TRAFFIC: 'LINK_CLICKS',
  OUTCOME_ENGAGEMENT: 'POST_ENGAGEMENT',
  OUTCOME_LEADS: 'LEAD_GENERATION',
  OUTCOME_APP_PROMOTION: 'APP_INSTALLS',
  OUTCOME_SALES: 'OFFSITE_CONVERSIONS',
};

export interface WorldShape {
  days: number;
  ads: number;
  accounts: number;
}

/**
 * `size` is the target number of ad × day metric rows. Without `historyDays` the history is at
 * most 90 days (small worlds start fast); with it, the rows spread over that many days, as an
 * account running for years has them.
 */
export function shapeFor(size: number, historyDays?: number): WorldShape {
  const rows = Math.max(1, Math.floor(size));
  const days =
    historyDays === undefined
      ? Math.min(90, Math.max(1, Math.ceil(rows / 10)))
      : Math.max(1, Math.min(rows, Math.floor(historyDays)));
  const ads = Math.max(1, Math.ceil(rows / days));
  return { days, ads, accounts: Math.min(5, Math.max(1, Math.ceil(ads / 25))) };
}

export function seedWorld(seed: number | string, size: number, now: number, historyDays?: number): MetaWorld {
  const shape = shapeFor(size, historyDays);
  const rng = createRng(`meta|${String(seed)}`);
  const lastDay = addDays(isoDate(now), -1);
  const firstDay = addDays(lastDay, -(shape.days - 1));
  const world = new MetaWorld(seed, firstDay, shape.days, rng);
  // Creation times rise with ids, all before the metrics window opens.
  const windowStart = Date.parse(`${firstDay}T00:00:00Z`);
  const entitiesApprox = shape.ads * 2 + shape.accounts;
  const step = Math.max(60_000, Math.floor((100 * DAY_MS) / entitiesApprox));
  let clock = windowStart - 120 * DAY_MS;
  const tick = (): number => (clock += step - rng.int(0, Math.floor(step / 2)));

  for (let a = 0; a < shape.accounts; a++) {
    const profile = a === 0 ? ACCOUNT_PROFILES[0] : rng.pick(ACCOUNT_PROFILES);
    const accountId = world.newAccountId();
    const created = tick();
    const account = world.insertAccount(accountId, {
      name: `${rng.pick(BRANDS)} – ${profile.currency}`,
      account_status: 1,
      currency: profile.currency,
      timezone_name: profile.timezone_name,
      timezone_offset_hours_utc: profile.offset,
      spend_cap: '0',
      balance: '0',
      disable_reason: 0,
      min_daily_budget: 100,
      business: { id: rng.digits(15), name: `${rng.pick(BRANDS)} Business` },
      created_time: graphTime(created),
    });
    let remaining = Math.floor(shape.ads / shape.accounts) + (a < shape.ads % shape.accounts ? 1 : 0);
    while (remaining > 0) {
      remaining = seedCampaign(world, rng, account, remaining, tick, profile.cpm);
    }
  }
  return world;
}

function seedCampaign(
  world: MetaWorld,
  rng: Rng,
  account: Entity,
  remaining: number,
  tick: () => number,
  cpm: readonly [number, number],
): number {
  const objective = rng.pick(Object.keys(GOALS));
  const cbo = rng.chance(0.5);
  const created = tick();
  const campaign = world.insert('campaign', account.accountId, {
    name: `${rng.pick(THEMES)} ${2025 - rng.int(0, 1)}${rng.chance(0.3) ? ` – ${rng.pick(['US', 'DE', 'FR', 'JP', 'BR'])}` : ''}`,
    objective,
    status: rng.chance(0.8) ? 'ACTIVE' : 'PAUSED',
    bid_strategy: 'LOWEST_COST_WITHOUT_CAP',
    buying_type: 'AUCTION',
    special_ad_categories: [],
    ...(cbo ? { daily_budget: String(rng.int(20, 500) * 100) } : {}),
    start_time: graphTime(created + 3_600_000),
    created_time: graphTime(created),
    updated_time: graphTime(created + rng.int(0, 5) * DAY_MS),
  });
  const adsets = rng.int(1, 2);
  for (let s = 0; s < adsets && remaining > 0; s++) {
    const setCreated = tick();
    const adset = world.insert('adset', account.accountId, {
      campaign_id: campaign.id,
      name: `${String(campaign.fields['name'])} | ${rng.pick(AUDIENCES)}`,
      status: rng.chance(0.85) ? 'ACTIVE' : 'PAUSED',
      billing_event: 'IMPRESSIONS',
      optimization_goal: GOALS[objective] ?? 'REACH',
      bid_strategy: 'LOWEST_COST_WITHOUT_CAP',
      targeting: {
        geo_locations: { countries: [rng.pick(['US', 'DE', 'GB', 'FR', 'JP', 'BR'])] },
        age_min: rng.pick([18, 25]),
        age_max: 65,
      },
      ...(cbo ? {} : { daily_budget: String(rng.int(10, 200) * 100) }),
      start_time: graphTime(setCreated + 3_600_000),
      created_time: graphTime(setCreated),
      updated_time: graphTime(setCreated + rng.int(0, 5) * DAY_MS),
    });
    const ads = Math.min(remaining, rng.int(1, 3));
    for (let k = 0; k < ads; k++) {
      const adCreated = tick();
      const ad = world.insert('ad', account.accountId, {
        campaign_id: campaign.id,
        adset_id: adset.id,
        name: `${rng.pick(FORMATS)} – ${String.fromCharCode(65 + k)}`,
        status: rng.chance(0.85) ? 'ACTIVE' : 'PAUSED',
        creative: { id: world.newId() },
        created_time: graphTime(adCreated),
        updated_time: graphTime(adCreated + rng.int(0, 5) * DAY_MS),
      });
      ad.profile = {
        impressions: rng.int(300, 8000),
        ctr: rng.float(0.004, 0.03),
        cpmMinor: rng.int(cpm[0], cpm[1]),
        cvr: rng.float(0.01, 0.08),
        aovMinor: rng.int(20, 150) * 100,
      };
      if (rng.chance(0.05)) ad.review = rng.pick(['PENDING_REVIEW', 'WITH_ISSUES', 'DISAPPROVED'] as const);
    }
    remaining -= ads;
  }
  return remaining;
}
