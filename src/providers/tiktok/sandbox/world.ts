/**
 * Seeded TikTok advertisers and campaigns. Budgets are floats in the advertiser currency's
 * major units; times are `YYYY-MM-DD HH:MM:SS` in UTC; ids are int64 decimal strings.
 */
import { seedLayout, type DeliveryWindow } from '../../../sandbox/kit/day-metrics.ts';
import { rngFor } from '../../../sandbox/kit/rng.ts';

export interface Advertiser {
  advertiser_id: string;
  name: string;
  currency: string;
  timezone: string;
  company: string;
  status: string;
  role: string;
  country: string;
  create_time: number;
}

export interface Campaign {
  campaign_id: string;
  advertiser_id: string;
  campaign_name: string;
  objective_type: string;
  budget_mode: string;
  budget: number;
  operation_status: 'ENABLE' | 'DISABLE';
  secondary_status: string;
  campaign_type: string;
  budget_optimize_on: boolean;
  is_smart_performance_campaign: boolean;
  create_time: string;
  modify_time: string;
}

export interface AdGroup {
  adgroup_id: string;
  adgroup_name: string;
  advertiser_id: string;
  campaign_id: string;
  budget_mode: string;
  budget: number;
  schedule_type: 'SCHEDULE_START_END' | 'SCHEDULE_FROM_NOW';
  schedule_start_time: string;
  schedule_end_time: string | null;
  optimization_goal: string;
  billing_event: string;
  bid_type: string;
  bid_price: number;
  placement_type: string;
  placements: string[];
  location_ids: string[];
  operation_status: 'ENABLE' | 'DISABLE';
  secondary_status: string;
  create_time: string;
  modify_time: string;
}

export interface Ad {
  ad_id: string;
  ad_name: string;
  advertiser_id: string;
  campaign_id: string;
  adgroup_id: string;
  ad_format: string;
  ad_text: string;
  video_id: string;
  call_to_action: string;
  landing_page_url: string;
  identity_type: string;
  operation_status: 'ENABLE' | 'DISABLE';
  secondary_status: string;
  create_time: string;
  modify_time: string;
}

/** An ad's delivery profile; its daily report rows are computed from it on demand. */
export interface Delivery {
  impressions: number;
  ctr: number;
  /** Cost per mille in the currency's smallest unit (cents, or yen). */
  cpmMinor: number;
  cvr: number;
}

export interface TikTokWorld extends DeliveryWindow {
  advertisers: Advertiser[];
  campaigns: Campaign[];
  adgroups: AdGroup[];
  ads: Ad[];
  delivery: Map<string, Delivery>;
}

const OBJECTIVES = [
  'TRAFFIC',
  'WEB_CONVERSIONS',
  'VIDEO_VIEWS',
  'REACH',
  'LEAD_GENERATION',
  'APP_PROMOTION',
  'ENGAGEMENT',
  'PRODUCT_SALES',
] as const;
const MODES = ['BUDGET_MODE_DAY', 'BUDGET_MODE_TOTAL', 'BUDGET_MODE_INFINITE'] as const;

export function tiktokTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export function seedWorld(seed: number | string, size: number, now: number): TikTokWorld {
  const rng = rngFor(seed, 'tiktok', 'world');
  const base = [
    { name: 'Acme Outdoor TT', currency: 'USD', timezone: 'America/Los_Angeles', country: 'US' },
    { name: 'Nordlicht TikTok', currency: 'EUR', timezone: 'Europe/Berlin', country: 'DE' },
    { name: 'Sakura Shop', currency: 'JPY', timezone: 'Asia/Tokyo', country: 'JP' },
  ];
  const advertisers: Advertiser[] = base.map((b) => ({
    advertiser_id: `7${rng.digits(18)}`,
    name: b.name,
    currency: b.currency,
    timezone: b.timezone,
    company: `${b.name} Ltd`,
    status: 'STATUS_ENABLE',
    role: 'ROLE_ADVERTISER',
    country: b.country,
    create_time: Math.floor((now - rng.int(200, 900) * 86_400_000) / 1000),
  }));
  const campaigns: Campaign[] = [];
  const total = Math.max(3, Math.ceil(size / 90));
  for (let i = 0; i < total; i++) {
    const adv = advertisers[i % advertisers.length] as Advertiser;
    const mode = rng.pick(MODES);
    const status = rng.chance(0.6) ? 'ENABLE' : 'DISABLE';
    const deleted = status === 'DISABLE' && rng.chance(0.25);
    const created = now - rng.int(5, 400) * 86_400_000 - rng.int(0, 86_399) * 1000;
    const unit = adv.currency === 'JPY' ? 100 : 1;
    campaigns.push({
      campaign_id: `18${rng.digits(17)}`,
      advertiser_id: adv.advertiser_id,
      campaign_name: `${rng.pick(['Spring', 'UGC', 'Spark', 'Always-on', 'Launch', 'Retarget'])} ${i + 1}`,
      objective_type: rng.pick(OBJECTIVES),
      budget_mode: mode,
      budget: mode === 'BUDGET_MODE_INFINITE' ? 0 : rng.int(50, 2000) * unit + (unit === 1 ? rng.int(0, 99) / 100 : 0),
      operation_status: status,
      secondary_status: deleted
        ? 'CAMPAIGN_STATUS_DELETE'
        : status === 'ENABLE'
          ? 'CAMPAIGN_STATUS_ENABLE'
          : 'CAMPAIGN_STATUS_DISABLE',
      campaign_type: 'REGULAR_CAMPAIGN',
      budget_optimize_on: mode !== 'BUDGET_MODE_INFINITE' && rng.chance(0.5),
      is_smart_performance_campaign: false,
      create_time: tiktokTime(created),
      modify_time: tiktokTime(created + rng.int(0, 30) * 86_400_000),
    });
  }
  return { advertisers, campaigns, ...seedTree(seed, size, now, advertisers, campaigns) };
}

const GOALS = ['CLICK', 'CONVERT', 'REACH', 'VIDEO_VIEW', 'LEAD_GENERATION'] as const;
const FORMATS = ['SINGLE_VIDEO', 'SINGLE_IMAGE', 'CAROUSEL_ADS'] as const;

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Ad groups and ads under the campaigns, from their own random stream so the campaigns stay as
 * they were. `size` ≈ ads × days of report rows; only the tree is built here.
 */
function seedTree(
  seed: number | string,
  size: number,
  now: number,
  advertisers: readonly Advertiser[],
  campaigns: readonly Campaign[],
): Omit<TikTokWorld, 'advertisers' | 'campaigns'> {
  const rng = rngFor(seed, 'tiktok', 'tree');
  const { days, adCount } = seedLayout(size, campaigns.length);
  const adgroups: AdGroup[] = [];
  const ads: Ad[] = [];
  const delivery = new Map<string, Delivery>();
  const currency = new Map(advertisers.map((a) => [a.advertiser_id, a.currency]));
  campaigns.forEach((c, i) => {
    const jpy = currency.get(c.advertiser_id) === 'JPY';
    const unit = jpy ? 100 : 1;
    const campaignDeleted = c.secondary_status === 'CAMPAIGN_STATUS_DELETE';
    let remaining = Math.floor(adCount / campaigns.length) + (i < adCount % campaigns.length ? 1 : 0);
    while (remaining > 0) {
      const created = Date.parse(`${c.create_time.replace(' ', 'T')}Z`) + rng.int(1, 48) * 3_600_000;
      const on = !campaignDeleted && rng.chance(0.85);
      const gDeleted = !on && (campaignDeleted || rng.chance(0.2));
      const gBudget = c.budget_optimize_on ? 0 : rng.int(20, 800) * unit + (jpy ? 0 : rng.int(0, 99) / 100);
      const group: AdGroup = {
        adgroup_id: `17${rng.digits(17)}`,
        adgroup_name: `${c.campaign_name} | ${rng.pick(['Broad', 'Interest', 'Lookalike', 'Custom audience', 'Retarget 30d'])}`,
        advertiser_id: c.advertiser_id,
        campaign_id: c.campaign_id,
        budget_mode: c.budget_optimize_on
          ? 'BUDGET_MODE_INFINITE'
          : rng.pick(['BUDGET_MODE_DAY', 'BUDGET_MODE_TOTAL'] as const),
        budget: gBudget,
        schedule_type: 'SCHEDULE_FROM_NOW',
        schedule_start_time: tiktokTime(created),
        schedule_end_time: null,
        optimization_goal: rng.pick(GOALS),
        billing_event: 'CPM',
        bid_type: 'BID_TYPE_NO_BID',
        bid_price: 0,
        placement_type: 'PLACEMENT_TYPE_AUTOMATIC',
        placements: ['PLACEMENT_TIKTOK'],
        location_ids: [rng.pick(['6252001', '2921044', '1861060'])],
        operation_status: on ? 'ENABLE' : 'DISABLE',
        secondary_status: gDeleted
          ? 'ADGROUP_STATUS_DELETE'
          : !on
            ? 'ADGROUP_STATUS_DISABLE'
            : c.operation_status === 'DISABLE'
              ? 'ADGROUP_STATUS_CAMPAIGN_DISABLE'
              : 'ADGROUP_STATUS_DELIVERY_OK',
        create_time: tiktokTime(created),
        modify_time: tiktokTime(created + rng.int(0, 20) * 86_400_000),
      };
      adgroups.push(group);
      const n = Math.min(remaining, rng.int(1, 3));
      for (let k = 0; k < n; k++) {
        const adOn = group.operation_status === 'ENABLE' && rng.chance(0.9);
        const review =
          adOn && rng.chance(0.06)
            ? rng.pick(['AD_STATUS_AUDIT', 'AD_STATUS_REAUDIT', 'AD_STATUS_AUDIT_DENY'] as const)
            : undefined;
        const adCreated = created + rng.int(1, 24) * 3_600_000;
        const ad: Ad = {
          ad_id: `16${rng.digits(17)}`,
          ad_name: `${rng.pick(FORMATS).toLowerCase()} ${String.fromCharCode(65 + k)}`,
          advertiser_id: c.advertiser_id,
          campaign_id: c.campaign_id,
          adgroup_id: group.adgroup_id,
          ad_format: rng.pick(FORMATS),
          ad_text: rng.pick(['Shop the drop', 'Limited time only', 'See why everyone loves it', 'Tap to learn more']),
          video_id: `v10033g50000${rng.alnum(20)}`,
          call_to_action: rng.pick(['SHOP_NOW', 'LEARN_MORE', 'SIGN_UP']),
          landing_page_url: 'https://example.com/landing',
          identity_type: 'CUSTOMIZED_USER',
          operation_status: adOn ? 'ENABLE' : 'DISABLE',
          secondary_status:
            group.secondary_status === 'ADGROUP_STATUS_DELETE'
              ? 'AD_STATUS_DELETE'
              : (review ??
                (!adOn
                  ? 'AD_STATUS_DISABLE'
                  : group.secondary_status === 'ADGROUP_STATUS_CAMPAIGN_DISABLE'
                    ? 'AD_STATUS_CAMPAIGN_DISABLE'
                    : 'AD_STATUS_DELIVERY_OK')),
          create_time: tiktokTime(adCreated),
          modify_time: tiktokTime(adCreated + rng.int(0, 20) * 86_400_000),
        };
        ads.push(ad);
        delivery.set(ad.ad_id, {
          impressions: rng.int(300, 9000),
          ctr: rng.float(0.004, 0.025),
          cpmMinor: rng.int(250, 1500) * unit,
          cvr: rng.float(0.01, 0.06),
        });
      }
      remaining -= n;
    }
  });
  const last = isoDay(now - 86_400_000);
  const firstDay = isoDay(Date.parse(`${last}T00:00:00Z`) - (days - 1) * 86_400_000);
  return { adgroups, ads, delivery, seed, firstDay, days };
}

/** One ad's report numbers for the `i`-th day of the window (always some delivery). */
export function adDay(
  world: TikTokWorld,
  adId: string,
  date: string,
): { impressions: number; clicks: number; spendMinor: number; conversion: number } | undefined {
  const p = world.delivery.get(adId);
  if (!p) return undefined;
  const r = rngFor(world.seed, 'tiktok', 'report', adId, date);
  const impressions = Math.max(1, Math.round(p.impressions * r.float(0.7, 1.3)));
  const clicks = Math.round(impressions * p.ctr * r.float(0.8, 1.2));
  return {
    impressions,
    clicks,
    spendMinor: Math.max(1, Math.round((impressions * p.cpmMinor) / 1000)),
    conversion: Math.round(clicks * p.cvr * r.float(0.5, 1.5)),
  };
}
