/**
 * `campaigns:mutate`: a campaign references a separate budget resource (./mutate-budgets.ts),
 * needs a channel type and a bidding strategy, runs on customer-local `YYYY-MM-DD` days, has a
 * name unique among the customer's live campaigns; removal is a one-way status change.
 */
import {
  blankName,
  checkKnown,
  customerOf,
  enumValue,
  fail,
  checkMask,
  localToday,
  nextId,
  notFound,
  removedResource,
  required,
  snake,
  removedByUpdate,
  type At,
  type Checked,
  type MutateService,
} from './mutate-kit.ts';
import type { Budget, Campaign, Customer, GoogleWorld } from './world.ts';

const CHANNELS = [
  'SEARCH',
  'DISPLAY',
  'SHOPPING',
  'HOTEL',
  'VIDEO',
  'MULTI_CHANNEL',
  'LOCAL',
  'SMART',
  'PERFORMANCE_MAX',
  'LOCAL_SERVICES',
  'TRAVEL',
  'DEMAND_GEN',
];
const STATUSES = ['ENABLED', 'PAUSED', 'REMOVED'];
const EU_POLITICAL = ['CONTAINS_EU_POLITICAL_ADVERTISING', 'DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING'];

/** Create and update both check the declaration the EU political-ads rules require. */
function checkEuPolitical(body: Record<string, unknown>, at: At): void {
  enumValue(
    body,
    'containsEuPoliticalAdvertising',
    EU_POLITICAL,
    'EuPoliticalAdvertisingStatusEnum.EuPoliticalAdvertisingStatus',
    at,
  );
}
/** The bidding oneof: which field was set decides `bidding_strategy_type`. */
const BIDDING: Record<string, string> = {
  manualCpc: 'MANUAL_CPC',
  manualCpm: 'MANUAL_CPM',
  maximizeConversions: 'MAXIMIZE_CONVERSIONS',
  maximizeConversionValue: 'MAXIMIZE_CONVERSION_VALUE',
  targetSpend: 'TARGET_SPEND',
  targetCpa: 'TARGET_CPA',
  targetRoas: 'TARGET_ROAS',
  targetCpm: 'TARGET_CPM',
  targetImpressionShare: 'TARGET_IMPRESSION_SHARE',
};
const NAME_MAX = 255;
// Google's "runs indefinitely" end date, also the latest date accepted.
const NO_END = '2037-12-30';
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2}) \d{2}:\d{2}:\d{2}$/;

/**
 * v23+ takes `start_date_time` / `end_date_time` as "yyyy-MM-dd HH:mm:ss" (docs/platforms/google-ads.md
 * §Version); the sandbox keeps days, as search campaigns serve whole days. Returns the day or a failure.
 */
function dayOf(at: At, field: string, v: unknown): string | Checked {
  const m = typeof v === 'string' ? DATE_TIME.exec(v) : null;
  if (!m)
    return fail(
      at,
      'dateError',
      'INVALID_STRING_DATE_TIME_SECONDS',
      "The string date time's format should be yyyy-mm-dd hh:mm:ss.",
      field,
      String(v),
    );
  return m[1]!;
}

function checkName(at: At, name: unknown, taken: (n: string) => boolean): Checked | undefined {
  if (typeof name !== 'string' || !name.trim()) return blankName(at);
  if ([...name].length > NAME_MAX) return fail(at, 'stringLengthError', 'TOO_LONG', 'Too long.', 'name');
  return taken(name)
    ? fail(at, 'campaignError', 'DUPLICATE_CAMPAIGN_NAME', 'A campaign with this name already exists.', 'name', name)
    : undefined;
}

function checkDay(at: At, field: string, v: unknown): Checked | undefined {
  if (typeof v !== 'string' || !DAY.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) {
    return fail(
      at,
      'dateError',
      'INVALID_STRING_DATE',
      "The string date's format should be yyyy-mm-dd.",
      field,
      String(v),
    );
  }
  if (v > NO_END)
    return fail(at, 'dateRangeError', 'AFTER_MAXIMUM_ALLOWABLE_DATE', 'Date is after allowed maximum.', field, v);
  return undefined;
}

/** Start and end as they will be after the write, checked against each other and today. */
function checkSchedule(
  at: At,
  today: string,
  start: string,
  end: string,
  changed: { start: boolean; end: boolean },
  started: boolean,
): Checked | undefined {
  if (changed.start && started)
    return fail(
      at,
      'dateRangeError',
      'CANNOT_MODIFY_START_DATE_IF_ALREADY_STARTED',
      'Cannot modify start date if campaign has already started.',
      'start_date_time',
    );
  if (changed.start && start < today)
    return fail(at, 'dateRangeError', 'CANNOT_SET_DATE_TO_PAST', 'Cannot set date to past.', 'start_date_time', start);
  if (changed.end && end < today)
    return fail(at, 'dateRangeError', 'CANNOT_SET_DATE_TO_PAST', 'Cannot set date to past.', 'end_date_time', end);
  if (end < start)
    return fail(
      at,
      'dateRangeError',
      'START_DATE_AFTER_END_DATE',
      "A date's start date is after its end date.",
      changed.end ? 'end_date_time' : 'start_date_time',
    );
  return undefined;
}

function budgetRef(
  world: GoogleWorld,
  customerId: string,
  at: At,
  ref: unknown,
): { ok: true; budget: Budget } | { ok: false; res: Checked } {
  const m = typeof ref === 'string' ? /^customers\/(\d+)\/campaignBudgets\/(\d+)$/.exec(ref) : null;
  if (!m)
    return {
      ok: false,
      res: fail(
        at,
        'requestError',
        'RESOURCE_NAME_MALFORMED',
        'Resource name is malformed.',
        'campaign_budget',
        String(ref),
      ),
    };
  const budget = world.budgets.get(m[2] ?? '');
  if (!budget || m[1] !== customerId || budget.customerId !== customerId)
    return { ok: false, res: notFound(at, String(ref)) };
  if (budget.status === 'REMOVED')
    return {
      ok: false,
      res: fail(
        at,
        'campaignBudgetError',
        'CAMPAIGN_BUDGET_REMOVED',
        'The requested campaign budget no longer exists.',
        'campaign_budget',
      ),
    };
  return { ok: true, budget };
}

const servingStatus = (status: string, start: string, end: string, today: string): string =>
  status === 'REMOVED'
    ? 'ENDED'
    : status === 'PAUSED'
      ? 'SUSPENDED'
      : end < today
        ? 'ENDED'
        : start > today
          ? 'PENDING'
          : 'SERVING';

function campaignByName(world: GoogleWorld, customerId: string, name: unknown): Campaign | { error: true } | undefined {
  const m = typeof name === 'string' ? /^customers\/(\d+)\/campaigns\/(\d+)$/.exec(name) : null;
  if (!m) return { error: true };
  return world.campaigns.find((c) => c.id === m[2] && c.customerId === customerId && m[1] === customerId);
}

export const campaignService: MutateService = {
  message: 'resources.Campaign',
  fields: [
    'resourceName',
    'id',
    'name',
    'status',
    'advertisingChannelType',
    'advertisingChannelSubType',
    'campaignBudget',
    'startDateTime',
    'endDateTime',
    'containsEuPoliticalAdvertising',
    'networkSettings',
    'biddingStrategy',
    ...Object.keys(BIDDING),
  ],

  create(world, customerId, body, at, now) {
    checkKnown(this, body, at);
    const status = enumValue(body, 'status', STATUSES, 'CampaignStatusEnum.CampaignStatus', at) ?? 'ENABLED';
    const channel = enumValue(
      body,
      'advertisingChannelType',
      CHANNELS,
      'AdvertisingChannelTypeEnum.AdvertisingChannelType',
      at,
    );
    checkEuPolitical(body, at);
    const customer = customerOf(world, customerId) as Customer;
    const today = localToday(now, customer.time_zone);
    if (body['name'] === undefined) return required(at, 'name');
    const bad = checkName(at, body['name'], (n) =>
      world.campaigns.some((c) => c.customerId === customerId && c.status !== 'REMOVED' && c.name === n),
    );
    if (bad) return bad;
    if (status === 'REMOVED')
      return fail(
        at,
        'operationAccessDeniedError',
        'CREATE_AS_REMOVED_NOT_PERMITTED',
        'Create operation is not permitted for removed resources.',
        'status',
      );
    if (!channel) return required(at, 'advertising_channel_type');
    if (body['campaignBudget'] === undefined) return required(at, 'campaign_budget');
    const ref = budgetRef(world, customerId, at, body['campaignBudget']);
    if (!ref.ok) return ref.res;
    const bidding = Object.keys(BIDDING).filter((k) => body[k] !== undefined);
    if (bidding.length === 0 && body['biddingStrategy'] === undefined) return required(at, 'campaign_bidding_strategy');
    const start = body['startDateTime'] === undefined ? today : dayOf(at, 'start_date_time', body['startDateTime']);
    if (typeof start !== 'string') return start;
    const end = body['endDateTime'] === undefined ? NO_END : dayOf(at, 'end_date_time', body['endDateTime']);
    if (typeof end !== 'string') return end;
    const dates =
      checkDay(at, 'start_date_time', start) ??
      checkDay(at, 'end_date_time', end) ??
      checkSchedule(at, today, start, end, { start: true, end: body['endDateTime'] !== undefined }, false);
    if (dates) return dates;
    return {
      ok: true,
      apply() {
        const c: Campaign = {
          id: nextId(world),
          customerId,
          name: String(body['name']),
          status: status as Campaign['status'],
          serving_status: servingStatus(status, String(start), String(end), today),
          advertising_channel_type: channel,
          bidding_strategy_type: BIDDING[bidding[0] ?? ''] ?? 'TARGET_SPEND',
          start_date: String(start),
          end_date: String(end),
          budgetId: ref.budget.id,
        };
        world.campaigns.push(c);
        return `customers/${customerId}/campaigns/${c.id}`;
      },
    };
  },

  update(world, customerId, body, mask, at, now) {
    checkKnown(this, body, at);
    const c = campaignByName(world, customerId, body['resourceName']);
    if (!c) return notFound(at, String(body['resourceName']));
    if ('error' in c)
      return fail(
        at,
        'requestError',
        'RESOURCE_NAME_MALFORMED',
        'Resource name is malformed.',
        'resource_name',
        String(body['resourceName']),
      );
    if (c.status === 'REMOVED') return removedResource(at);
    const status = enumValue(body, 'status', STATUSES, 'CampaignStatusEnum.CampaignStatus', at);
    checkEuPolitical(body, at);
    const mutable = [
      'name',
      'status',
      'start_date_time',
      'end_date_time',
      'campaign_budget',
      'contains_eu_political_advertising',
      'network_settings',
    ];
    const maskError = checkMask(
      at,
      mask,
      [...mutable, ...Object.keys(BIDDING).map(snake)],
      ['advertising_channel_type', 'advertising_channel_sub_type', 'id', 'resource_name'],
    );
    if (maskError) return maskError;
    const set = (path: string) => mask.includes(path);
    const value = (path: string) => body[path.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase())];
    if (set('status') && value('status') === undefined) return required(at, 'status');
    if (set('status') && status === 'REMOVED') return removedByUpdate(at);
    if (set('name')) {
      const bad = checkName(at, value('name'), (n) =>
        world.campaigns.some((x) => x !== c && x.customerId === customerId && x.status !== 'REMOVED' && x.name === n),
      );
      if (bad) return bad;
    }
    let budget: Budget | undefined;
    if (set('campaign_budget')) {
      const ref = budgetRef(world, customerId, at, value('campaign_budget'));
      if (!ref.ok) return ref.res;
      budget = ref.budget;
    }
    const customer = customerOf(world, customerId) as Customer;
    const today = localToday(now, customer.time_zone);
    const start = set('start_date_time') ? dayOf(at, 'start_date_time', value('start_date_time')) : c.start_date;
    if (typeof start !== 'string') return start;
    // An end date time left out of the object but named in the mask clears it (back to "indefinitely").
    const end = set('end_date_time')
      ? value('end_date_time') === undefined
        ? NO_END
        : dayOf(at, 'end_date_time', value('end_date_time'))
      : c.end_date;
    if (typeof end !== 'string') return end;
    const dates =
      (set('start_date_time') ? checkDay(at, 'start_date_time', start) : undefined) ??
      (set('end_date_time') ? checkDay(at, 'end_date_time', end) : undefined) ??
      checkSchedule(
        at,
        today,
        start,
        end,
        { start: set('start_date_time') && start !== c.start_date, end: set('end_date_time') && end !== c.end_date },
        c.start_date <= today,
      );
    if (dates) return dates;
    return {
      ok: true,
      apply() {
        if (set('name')) c.name = String(value('name'));
        if (set('status')) c.status = status as Campaign['status'];
        c.start_date = String(start);
        c.end_date = String(end);
        if (budget) c.budgetId = budget.id;
        const bidding = Object.keys(BIDDING).find((k) => set(snake(k)));
        if (bidding) c.bidding_strategy_type = BIDDING[bidding] ?? c.bidding_strategy_type;
        c.serving_status = servingStatus(c.status, c.start_date, c.end_date, today);
        return `customers/${customerId}/campaigns/${c.id}`;
      },
    };
  },

  remove(world, customerId, name, at) {
    const c = campaignByName(world, customerId, name);
    if (!c) return notFound(at, name);
    if ('error' in c)
      return fail(at, 'requestError', 'RESOURCE_NAME_MALFORMED', 'Resource name is malformed.', undefined, name);
    if (c.status === 'REMOVED') return removedResource(at);
    return {
      ok: true,
      apply() {
        // Irreversible; the campaign stays readable with status REMOVED (ads.md §2.3).
        c.status = 'REMOVED';
        c.serving_status = 'ENDED';
        return name;
      },
    };
  },
};
