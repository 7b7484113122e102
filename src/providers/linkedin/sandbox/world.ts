/**
 * Seeded LinkedIn ads data: ad accounts → campaign groups → campaigns → creatives. Ids are longs,
 * references are URNs, money is `{amount: "12.34", currencyCode}` in major units, times are epoch
 * ms. Creatives and their delivery profiles come from their own random stream, so everything
 * seeded before them is unchanged for the same seed; daily numbers are computed on demand
 * (./analytics.ts).
 */
import type { DeliveryWindow } from '../../../sandbox/kit/day-metrics.ts';
import { rngFor } from '../../../sandbox/kit/rng.ts';
import { addDays } from '../../kit/account-time.ts';

export interface Money {
  amount: string;
  currencyCode: string;
}

export interface AdAccount {
  id: number;
  name: string;
  currency: string;
  status: 'ACTIVE' | 'CANCELED' | 'DRAFT' | 'PENDING_DELETION' | 'REMOVED';
  type: 'BUSINESS' | 'ENTERPRISE';
  reference: string;
  test: boolean;
  servingStatuses: string[];
  notifiedOnCampaignOptimization: boolean;
  notifiedOnCreativeApproval: boolean;
  notifiedOnCreativeRejection: boolean;
  notifiedOnEndOfCampaign: boolean;
  notifiedOnNewFeaturesEnabled: boolean;
  version: { versionTag: string };
  changeAuditStamps: { created: { time: number }; lastModified: { time: number } };
  /** Role of the sandbox member on this account. */
  role: string;
}

export interface CampaignGroup {
  id: number;
  account: string;
  name: string;
  status: string;
  runSchedule: { start: number; end?: number };
  totalBudget?: Money;
  /** Only with Dynamic Group Budget (`budgetOptimization`), and then instead of a total budget. */
  dailyBudget?: Money;
  budgetOptimization?: { budgetOptimizationStrategy: string; bidStrategy?: string };
  /** Set once; every campaign in the group then shares it. */
  objectiveType?: string;
  test: boolean;
  servingStatuses: string[];
  changeAuditStamps: { created: { time: number }; lastModified: { time: number } };
}

export interface Campaign {
  id: number;
  account: string;
  campaignGroup: string;
  name: string;
  status: string;
  type: string;
  costType: string;
  objectiveType: string;
  optimizationTargetType: string;
  dailyBudget: Money;
  unitCost: Money;
  runSchedule: { start: number; end?: number };
  locale: { country: string; language: string };
  format: string;
  offsiteDeliveryEnabled: boolean;
  audienceExpansionEnabled: boolean;
  creativeSelection: string;
  pacingStrategy: string;
  servingStatuses: string[];
  test: boolean;
  version: { versionTag: string };
  changeAuditStamps: { created: { time: number }; lastModified: { time: number } };
}

export interface Creative {
  /** A URN on the API (`urn:li:sponsoredCreative:{id}`). */
  id: string;
  account: string;
  campaign: string;
  name: string;
  intendedStatus: string;
  isServing: boolean;
  content: { reference: string };
  createdAt: number;
  lastModifiedAt: number;
}

/** How a creative delivers: the mean of its daily numbers. */
export interface DeliveryProfile {
  impressions: number;
  ctr: number;
  /** Cost per thousand impressions in billionths of the currency unit (LinkedIn's cost strings carry long fractions). */
  cpmNanos: number;
  conversionRate: number;
}

export interface LinkedInWorld extends DeliveryWindow {
  member: { id: string; name: string };
  accounts: AdAccount[];
  groups: CampaignGroup[];
  campaigns: Campaign[];
  creatives: Creative[];
  profiles: Map<string, DeliveryProfile>;
}

const OBJECTIVES = [
  'BRAND_AWARENESS',
  'WEBSITE_VISITS',
  'ENGAGEMENT',
  'VIDEO_VIEWS',
  'LEAD_GENERATION',
  'WEBSITE_CONVERSIONS',
] as const;
const TARGET: Record<string, string> = {
  BRAND_AWARENESS: 'MAX_REACH',
  WEBSITE_VISITS: 'MAX_CLICK',
  ENGAGEMENT: 'MAX_CLICK',
  VIDEO_VIEWS: 'MAX_VIDEO_VIEW',
  LEAD_GENERATION: 'MAX_LEAD',
  WEBSITE_CONVERSIONS: 'MAX_CONVERSION',
};

function money(rng: { int(a: number, b: number): number }, currency: string, min: number, max: number): Money {
  return { amount: `${rng.int(min, max)}.${String(rng.int(0, 99)).padStart(2, '0')}`, currencyCode: currency };
}

export function seedWorld(seed: number | string, size: number, now: number): LinkedInWorld {
  const rng = rngFor(seed, 'linkedin', 'world');
  const stamp = (daysAgo: number) => ({
    created: { time: now - daysAgo * 86_400_000 },
    lastModified: { time: now - Math.floor(daysAgo / 2) * 86_400_000 },
  });
  const defs = [
    { name: 'Acme B2B', currency: 'USD', status: 'ACTIVE', role: 'ACCOUNT_BILLING_ADMIN' },
    { name: 'Nordlicht Recruiting', currency: 'EUR', status: 'ACTIVE', role: 'CAMPAIGN_MANAGER' },
    { name: 'Old Test Account', currency: 'USD', status: 'CANCELED', role: 'VIEWER' },
  ] as const;
  const accounts: AdAccount[] = defs.map((d, i) => ({
    id: 500_000_000 + rng.int(1, 99_999_999) + i,
    name: d.name,
    currency: d.currency,
    status: d.status,
    type: 'BUSINESS',
    reference: `urn:li:organization:${rng.int(1_000_000, 99_999_999)}`,
    test: false,
    servingStatuses: d.status === 'ACTIVE' ? ['RUNNABLE'] : ['ACCOUNT_TOTAL_BUDGET_HOLD'],
    notifiedOnCampaignOptimization: true,
    notifiedOnCreativeApproval: false,
    notifiedOnCreativeRejection: true,
    notifiedOnEndOfCampaign: false,
    notifiedOnNewFeaturesEnabled: false,
    version: { versionTag: String(rng.int(1, 9)) },
    changeAuditStamps: stamp(rng.int(300, 1200)),
    role: d.role,
  }));
  const groups: CampaignGroup[] = [];
  const campaigns: Campaign[] = [];
  const total = Math.max(3, Math.ceil(size / 90));
  let nextId = 300_000_000 + rng.int(1, 9_999_999);
  for (const a of accounts) {
    for (let g = 0; g < 2; g++) {
      groups.push({
        id: nextId++,
        account: `urn:li:sponsoredAccount:${a.id}`,
        name: g === 0 ? 'Default Campaign Group' : `${a.name} Q${rng.int(1, 4)}`,
        status: g === 0 ? 'ACTIVE' : rng.pick(['ACTIVE', 'PAUSED', 'ARCHIVED']),
        runSchedule: { start: now - rng.int(30, 400) * 86_400_000 },
        ...(g === 1 ? { totalBudget: money(rng, a.currency, 1000, 20000) } : {}),
        test: false,
        servingStatuses: ['RUNNABLE'],
        changeAuditStamps: stamp(rng.int(30, 400)),
      });
    }
  }
  for (let i = 0; i < total; i++) {
    const group = groups[i % groups.length] as CampaignGroup;
    const account = accounts.find((a) => `urn:li:sponsoredAccount:${a.id}` === group.account) as AdAccount;
    const objective = rng.pick(OBJECTIVES);
    const started = now - rng.int(5, 300) * 86_400_000;
    campaigns.push({
      id: nextId++,
      account: group.account,
      campaignGroup: `urn:li:sponsoredCampaignGroup:${group.id}`,
      name: `${rng.pick(['Decision makers', 'Retarget visitors', 'Lookalike', 'Job seekers', 'Event promo'])} ${i + 1}`,
      status: rng.chance(0.6) ? 'ACTIVE' : rng.pick(['PAUSED', 'ARCHIVED', 'COMPLETED', 'DRAFT']),
      type: rng.pick(['SPONSORED_UPDATES', 'TEXT_AD', 'SPONSORED_INMAILS']),
      costType: rng.pick(['CPM', 'CPC']),
      objectiveType: objective,
      optimizationTargetType: TARGET[objective] ?? 'NONE',
      dailyBudget: money(rng, account.currency, 10, 500),
      unitCost: money(rng, account.currency, 2, 30),
      runSchedule: { start: started, ...(rng.chance(0.4) ? { end: started + rng.int(14, 120) * 86_400_000 } : {}) },
      locale: { country: 'US', language: 'en' },
      format: 'SINGLE_VIDEO',
      offsiteDeliveryEnabled: rng.chance(0.5),
      audienceExpansionEnabled: rng.chance(0.3),
      creativeSelection: 'OPTIMIZED',
      pacingStrategy: 'LIFETIME',
      servingStatuses: ['RUNNABLE'],
      test: false,
      version: { versionTag: String(rng.int(1, 12)) },
      changeAuditStamps: stamp(rng.int(1, 300)),
    });
  }
  const member = { id: rng.alnum(10), name: 'Sandbox Member' };
  const tree = rngFor(seed, 'linkedin', 'creatives');
  const creatives: Creative[] = [];
  const profiles = new Map<string, DeliveryProfile>();
  let creativeId = 100_000_000 + tree.int(1, 9_999_999);
  for (const c of campaigns) {
    const created = c.changeAuditStamps.created.time;
    for (let k = tree.int(1, 3); k > 0; k--) {
      const id = `urn:li:sponsoredCreative:${creativeId++}`;
      const status = c.status === 'DRAFT' ? 'DRAFT' : tree.chance(0.8) ? 'ACTIVE' : 'PAUSED';
      creatives.push({
        id,
        account: c.account,
        campaign: `urn:li:sponsoredCampaign:${c.id}`,
        name: `${c.name} / ${tree.pick(['Carousel', 'Single image', 'Video', 'Document', 'Text ad'])} ${k}`,
        intendedStatus: status,
        isServing: status === 'ACTIVE' && c.status === 'ACTIVE',
        content: { reference: `urn:li:share:${tree.int(7_000_000, 7_999_999)}${tree.int(100_000_000, 999_999_999)}` },
        createdAt: created,
        lastModifiedAt: created + tree.int(0, 20) * 86_400_000,
      });
      // Drafts never delivered; everything else has history (paused and archived ones ran before).
      if (status !== 'DRAFT') {
        profiles.set(id, {
          impressions: tree.int(200, 6000),
          ctr: tree.float(0.002, 0.015),
          cpmNanos: tree.int(15_000_000_000, 60_000_000_000),
          conversionRate: tree.float(0.01, 0.08),
        });
      }
    }
  }
  const days = Math.min(60, Math.max(1, Math.round(size / Math.max(1, profiles.size))));
  const lastDay = addDays(new Date(now).toISOString().slice(0, 10), -1);
  return {
    seed,
    member,
    accounts,
    groups,
    campaigns,
    creatives,
    profiles,
    firstDay: addDays(lastDay, -(days - 1)),
    days,
  };
}

/** The API representation of an account (the member role is not part of it). */
export function accountJson(a: AdAccount): Record<string, unknown> {
  const { role: _role, ...rest } = a;
  return rest;
}
