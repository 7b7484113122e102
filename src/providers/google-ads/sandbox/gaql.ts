/**
 * A small GAQL engine: `SELECT f, … FROM resource [WHERE cond AND …] [ORDER BY f [ASC|DESC], …]
 * [LIMIT n]` over the seeded world, enough for account discovery and campaign reads. Rows are
 * emitted in REST form: nested lowerCamelCase objects, int64 as strings, `resourceName` on every
 * resource present, plus the `fieldMask` Google echoes.
 */
import { sumDays } from '../../../sandbox/kit/day-metrics.ts';
import {
  adDay,
  windowDates,
  type Ad,
  type AdGroup,
  type Budget,
  type Campaign,
  type Customer,
  type GoogleWorld,
} from './world.ts';

export type Value = string | number | boolean | null;

/** The internal day that stands for "runs indefinitely" (what v22 showed as the end date). */
export const NO_END_DAY = '2037-12-30';
export type Scope = Record<string, Record<string, Value>>;

export interface Query {
  select: string[];
  from: string;
  where: Condition[];
  orderBy: { field: string; desc: boolean }[];
  limit: number | null;
}

interface Condition {
  field: string;
  op:
    | '='
    | '!='
    | '>'
    | '<'
    | '>='
    | '<='
    | 'BETWEEN'
    | 'IN'
    | 'NOT IN'
    | 'LIKE'
    | 'NOT LIKE'
    | 'IS NULL'
    | 'IS NOT NULL';
  values: Value[];
}

export class GaqlError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly trigger?: string,
  ) {
    super(message);
  }
}

const TOKEN =
  /\s*(?:('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(!=|>=|<=|=|<|>)|([(),])|([A-Za-z_][A-Za-z0-9_.]*)|(-?\d+(?:\.\d+)?))/y;

function tokenize(q: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < q.length) {
    if (/^\s*$/.test(q.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(q);
    if (!m)
      throw new GaqlError(
        'UNEXPECTED_INPUT',
        `Error in query: unexpected input ${q.slice(pos, pos + 20).trim()}.`,
        q.slice(pos).trim(),
      );
    out.push(m[0].trim());
    pos = TOKEN.lastIndex;
  }
  return out;
}

function literal(tok: string): Value {
  if (/^['"]/.test(tok)) return tok.slice(1, -1).replace(/\\(.)/g, '$1');
  if (/^-?\d+(\.\d+)?$/.test(tok)) return tok;
  if (/^(TRUE|FALSE)$/i.test(tok)) return tok.toUpperCase() === 'TRUE';
  return tok; // bare enum literal
}

export function parse(query: string): Query {
  const t = tokenize(query);
  let i = 0;
  const peek = (): string => (t[i] ?? '').toUpperCase();
  const next = (): string => {
    const v = t[i++];
    if (v === undefined) throw new GaqlError('UNEXPECTED_END_OF_QUERY', 'Error in query: unexpected end of query.');
    return v;
  };
  if (next().toUpperCase() !== 'SELECT') throw new GaqlError('EXPECTED_SELECT', "Error in query: expected 'SELECT'.");
  const select: string[] = [];
  do {
    const f = next();
    if (!/^[a-z_]+\.[a-z_.]+$/.test(f))
      throw new GaqlError('BAD_SELECT_CLAUSE', `Error in SELECT clause: invalid field name '${f}'.`, f);
    select.push(f);
  } while (peek() === ',' && next());
  if (next().toUpperCase() !== 'FROM') throw new GaqlError('EXPECTED_FROM', "Error in query: expected 'FROM'.");
  const from = next();
  const where: Condition[] = [];
  const orderBy: Query['orderBy'] = [];
  let limit: number | null = null;
  if (peek() === 'WHERE') {
    next();
    for (;;) {
      const field = next();
      let op = next().toUpperCase();
      if (op === 'NOT') op = `NOT ${next().toUpperCase()}`;
      if (op === 'IS')
        op = peek() === 'NOT' ? (next(), `IS NOT ${next().toUpperCase()}`) : `IS ${next().toUpperCase()}`;
      let values: Value[] = [];
      if (op === 'IN' || op === 'NOT IN') {
        if (next() !== '(') throw new GaqlError('BAD_LIST', 'Error in WHERE clause: expected a list.');
        while (peek() !== ')') {
          values.push(literal(next()));
          if (peek() === ',') next();
        }
        next();
      } else if (op === 'BETWEEN') {
        // `BETWEEN a AND b`: this AND belongs to the operator, not the condition list.
        const lo = literal(next());
        if (next().toUpperCase() !== 'AND')
          throw new GaqlError('BAD_OPERATOR', "Error in WHERE clause: expected 'AND' after BETWEEN.");
        values = [lo, literal(next())];
      } else if (op !== 'IS NULL' && op !== 'IS NOT NULL') {
        if (!['=', '!=', '>', '<', '>=', '<=', 'LIKE', 'NOT LIKE'].includes(op))
          throw new GaqlError('BAD_OPERATOR', `Error in WHERE clause: invalid operator '${op}'.`, op);
        values = [literal(next())];
      }
      where.push({ field, op: op as Condition['op'], values });
      if (peek() !== 'AND') break;
      next();
    }
  }
  if (peek() === 'ORDER') {
    next();
    if (next().toUpperCase() !== 'BY')
      throw new GaqlError('BAD_ORDER_BY_CLAUSE', "Error in ORDER BY clause: expected 'BY'.");
    do {
      const field = next();
      let desc = false;
      if (peek() === 'ASC' || peek() === 'DESC') desc = next().toUpperCase() === 'DESC';
      orderBy.push({ field, desc });
    } while (peek() === ',' && next());
  }
  if (peek() === 'LIMIT') {
    next();
    const n = Number(next());
    if (!Number.isInteger(n) || n < 1)
      throw new GaqlError('BAD_LIMIT_VALUE', 'Error in LIMIT clause: invalid limit value.');
    limit = n;
  }
  if (peek() === 'PARAMETERS') i = t.length;
  if (i < t.length) throw new GaqlError('UNEXPECTED_INPUT', `Error in query: unexpected input ${t[i]}.`, t[i]);
  return { select, from, where, orderBy, limit };
}

function customerScope(c: Customer): Record<string, Value> {
  return {
    resource_name: `customers/${c.id}`,
    id: c.id,
    descriptive_name: c.descriptive_name,
    currency_code: c.currency_code,
    time_zone: c.time_zone,
    manager: c.manager,
    test_account: c.test_account,
    status: c.status,
  };
}

function budgetScope(b: Budget): Record<string, Value> {
  return {
    resource_name: `customers/${b.customerId}/campaignBudgets/${b.id}`,
    id: b.id,
    name: b.name,
    period: b.period,
    delivery_method: b.delivery_method,
    explicitly_shared: b.explicitly_shared,
    status: b.status,
    // A daily budget carries amount_micros, a custom-period (total) one total_amount_micros.
    amount_micros: b.period === 'DAILY' ? b.amount_micros : null,
    total_amount_micros: b.period === 'CUSTOM_PERIOD' ? (b.total_amount_micros ?? b.amount_micros) : null,
  };
}

function campaignScope(c: Campaign): Record<string, Value> {
  return {
    resource_name: `customers/${c.customerId}/campaigns/${c.id}`,
    id: c.id,
    name: c.name,
    status: c.status,
    serving_status: c.serving_status,
    advertising_channel_type: c.advertising_channel_type,
    bidding_strategy_type: c.bidding_strategy_type,
    // v23+ (docs/platforms/google-ads.md §Version): date times in the customer's zone; no end runs indefinitely.
    start_date_time: `${c.start_date} 00:00:00`,
    end_date_time: c.end_date === NO_END_DAY ? null : `${c.end_date} 23:59:59`,
    campaign_budget: `customers/${c.customerId}/campaignBudgets/${c.budgetId}`,
  };
}

function adGroupScope(g: AdGroup): Record<string, Value> {
  return {
    resource_name: `customers/${g.customerId}/adGroups/${g.id}`,
    id: g.id,
    name: g.name,
    status: g.status,
    type: g.type,
    cpc_bid_micros: g.cpc_bid_micros,
    campaign: `customers/${g.customerId}/campaigns/${g.campaignId}`,
  };
}

function adGroupAdScope(a: Ad): Record<string, Value> {
  // Nested messages (ad, policy_summary) are flattened to dotted keys; render() nests them again.
  return {
    resource_name: `customers/${a.customerId}/adGroupAds/${a.adGroupId}~${a.id}`,
    status: a.status,
    ad_group: `customers/${a.customerId}/adGroups/${a.adGroupId}`,
    'ad.id': a.id,
    'ad.name': a.name,
    'ad.type': a.type,
    'ad.resource_name': `customers/${a.customerId}/ads/${a.id}`,
    'policy_summary.approval_status': a.approval_status,
    'policy_summary.review_status': a.review_status,
  };
}

const METRIC_RESOURCES = new Set(['campaign', 'ad_group', 'ad_group_ad']);

function referenced(q: Query | undefined, prefix: string): boolean {
  return (
    !!q &&
    [...q.select, ...q.where.map((w) => w.field), ...q.orderBy.map((o) => o.field)].some((f) =>
      f.startsWith(`${prefix}.`),
    )
  );
}

type DayNumbers = { impressions: number; clicks: number; cost_micros: number; conversions: number };

function metricsScope(m: DayNumbers): Record<string, Value> {
  // int64 metrics are strings in REST JSON; conversions is a double.
  return {
    impressions: String(m.impressions),
    clicks: String(m.clicks),
    cost_micros: String(m.cost_micros),
    conversions: m.conversions,
  };
}

/**
 * Metric rows for entity scopes: one per entity and `segments.date` when the query segments by
 * date (days without impressions are left out, as Google does), else totals over the window.
 * Campaign and ad group numbers are the sums of their ads. Computed on demand, never stored.
 */
function withMetrics(world: GoogleWorld, rows: { scope: Scope; ads: readonly Ad[] }[], q: Query | undefined): Scope[] {
  const byDate = referenced(q, 'segments');
  if (!byDate && !referenced(q, 'metrics')) return rows.map((r) => r.scope);
  const dates = windowDates(world);
  const sum = (ads: readonly Ad[], ds: readonly string[]): DayNumbers => {
    const zero = { impressions: 0, clicks: 0, cost_micros: 0, conversions: 0 };
    const t = sumDays(zero, ads, ds, (ad, d) => adDay(world, ad, d));
    t.conversions = Math.round(t.conversions * 100) / 100;
    return t;
  };
  const out: Scope[] = [];
  for (const r of rows) {
    if (!byDate) {
      out.push({ ...r.scope, metrics: metricsScope(sum(r.ads, dates)) });
      continue;
    }
    for (const d of dates) {
      const m = sum(r.ads, [d]);
      if (m.impressions > 0) out.push({ ...r.scope, segments: { date: d }, metrics: metricsScope(m) });
    }
  }
  return out;
}

/** Rows (as scopes) of one resource for one customer, before filtering. */
export function scopes(world: GoogleWorld, customer: Customer, from: string, q?: Query): Scope[] | undefined {
  const cust = customerScope(customer);
  const campaignOf = new Map(world.campaigns.map((c) => [c.id, c]));
  const budget = (c: Campaign | undefined) => (c ? world.budgets.get(c.budgetId) : undefined);
  switch (from) {
    case 'customer':
      return [{ customer: cust }];
    case 'customer_client': {
      const self: Record<string, Value> = {
        ...cust,
        client_customer: `customers/${customer.id}`,
        level: '0',
        hidden: false,
      };
      const below = customer.manager ? world.customers.filter((c) => c.managerId === customer.id) : [];
      const clients: Record<string, Value>[] = below.map((c) => ({
        ...customerScope(c),
        client_customer: `customers/${c.id}`,
        level: '1',
        hidden: false,
      }));
      return [self, ...clients].map((cc) => ({
        customer: cust,
        customer_client: { ...cc, resource_name: `customers/${customer.id}/customerClients/${cc['id']}` },
      }));
    }
    case 'campaign': {
      const mine = world.campaigns.filter((c) => c.customerId === customer.id);
      const ads =
        referenced(q, 'metrics') || referenced(q, 'segments')
          ? world.ads.filter((a) => a.customerId === customer.id)
          : [];
      return withMetrics(
        world,
        mine.map((c) => {
          const b = budget(c);
          return {
            scope: { customer: cust, campaign: campaignScope(c), ...(b ? { campaign_budget: budgetScope(b) } : {}) },
            ads: ads.filter((a) => a.campaignId === c.id),
          };
        }),
        q,
      );
    }
    case 'ad_group': {
      const ads =
        referenced(q, 'metrics') || referenced(q, 'segments')
          ? world.ads.filter((a) => a.customerId === customer.id)
          : [];
      return withMetrics(
        world,
        world.adGroups
          .filter((g) => g.customerId === customer.id)
          .map((g) => {
            const c = campaignOf.get(g.campaignId);
            const b = budget(c);
            return {
              scope: {
                customer: cust,
                ad_group: adGroupScope(g),
                ...(c ? { campaign: campaignScope(c) } : {}),
                ...(b ? { campaign_budget: budgetScope(b) } : {}),
              },
              ads: ads.filter((a) => a.adGroupId === g.id),
            };
          }),
        q,
      );
    }
    case 'ad_group_ad': {
      const groupOf = new Map(world.adGroups.map((g) => [g.id, g]));
      return withMetrics(
        world,
        world.ads
          .filter((a) => a.customerId === customer.id)
          .map((a) => {
            const c = campaignOf.get(a.campaignId);
            const g = groupOf.get(a.adGroupId);
            return {
              scope: {
                customer: cust,
                ad_group_ad: adGroupAdScope(a),
                ...(g ? { ad_group: adGroupScope(g) } : {}),
                ...(c ? { campaign: campaignScope(c) } : {}),
              },
              ads: [a],
            };
          }),
        q,
      );
    }
    case 'campaign_budget':
      return [...world.budgets.values()]
        .filter((b) => b.customerId === customer.id)
        .map((b) => ({ customer: cust, campaign_budget: budgetScope(b) }));
    default:
      return undefined;
  }
}

/** A scope with every field present, so field names can be checked even when no row exists. */
export function template(from: string): Scope | undefined {
  const c: Customer = {
    id: '0',
    descriptive_name: '',
    currency_code: '',
    time_zone: '',
    manager: true,
    test_account: false,
    status: 'ENABLED',
    managerId: null,
  };
  const world: GoogleWorld = {
    user: { email: '', sub: '' },
    customers: [c],
    budgets: new Map([
      [
        '1',
        {
          id: '1',
          customerId: '0',
          name: '',
          amount_micros: '0',
          period: 'DAILY',
          delivery_method: 'STANDARD',
          explicitly_shared: false,
          status: 'ENABLED',
        },
      ],
    ]),
    campaigns: [
      {
        id: '2',
        customerId: '0',
        name: '',
        status: 'ENABLED',
        serving_status: '',
        advertising_channel_type: '',
        bidding_strategy_type: '',
        start_date: '',
        end_date: '',
        budgetId: '1',
      },
    ],
    adGroups: [
      { id: '3', customerId: '0', campaignId: '2', name: '', status: 'ENABLED', type: '', cpc_bid_micros: '0' },
    ],
    ads: [
      {
        id: '4',
        customerId: '0',
        campaignId: '2',
        adGroupId: '3',
        name: '',
        status: 'ENABLED',
        type: '',
        approval_status: 'APPROVED',
        review_status: 'REVIEWED',
        impressions: 0,
        ctr: 0,
        cpmMicros: 0,
        cvr: 0,
        unitMicros: 1,
      },
    ],
    seed: 0,
    firstDay: '2000-01-01',
    days: 0,
    restated: new Map(),
  };
  const s = scopes(world, c, from)?.[0];
  if (!s || !METRIC_RESOURCES.has(from)) return s;
  // Metric and segment fields exist on these resources even when a row has none.
  return {
    ...s,
    segments: { date: '' },
    metrics: metricsScope({ impressions: 0, clicks: 0, cost_micros: 0, conversions: 0 }),
  };
}

function lookup(scope: Scope, field: string): { known: boolean; value: Value } {
  const dot = field.indexOf('.');
  const res = scope[field.slice(0, dot)];
  const key = field.slice(dot + 1);
  if (!res || !(key in res)) return { known: false, value: null };
  return { known: true, value: res[key] ?? null };
}

/** Whether `field` names something the resource (or an attributed one) has, checked on a template scope. */
export function checkFields(q: Query, template: Scope): void {
  for (const f of [...q.select, ...q.where.map((w) => w.field), ...q.orderBy.map((o) => o.field)]) {
    const prefix = f.slice(0, f.indexOf('.'));
    if (!(prefix in template)) {
      throw new GaqlError(
        'PROHIBITED_RESOURCE_TYPE_IN_SELECT_CLAUSE',
        `The following resource cannot be selected with the resource in the FROM clause: '${prefix}'.`,
        f,
      );
    }
    if (!lookup(template, f).known)
      throw new GaqlError('UNRECOGNIZED_FIELD', `Unrecognized field in the query: '${f}'.`, f);
  }
}

function compare(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string' && /^-?\d+(\.\d+)?$/.test(a) && /^-?\d+(\.\d+)?$/.test(b))
    return Number(a) - Number(b);
  return String(a).localeCompare(String(b));
}

function matches(scope: Scope, c: Condition): boolean {
  const { value } = lookup(scope, c.field);
  const first = c.values[0] ?? null;
  const eq = (v: Value): boolean =>
    typeof value === 'boolean' ? String(value).toUpperCase() === String(v).toUpperCase() : compare(value, v) === 0;
  const like = (): boolean =>
    new RegExp(
      `^${String(first)
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace(/%/g, '.*')
        .replace(/_/g, '.')}$`,
      'i',
    ).test(String(value));
  switch (c.op) {
    case '=':
      return eq(first);
    case '!=':
      return !eq(first);
    case '>':
      return compare(value, first) > 0;
    case '<':
      return compare(value, first) < 0;
    case '>=':
      return compare(value, first) >= 0;
    case '<=':
      return compare(value, first) <= 0;
    case 'BETWEEN':
      return compare(value, first) >= 0 && compare(value, c.values[1] ?? null) <= 0;
    case 'IN':
      return c.values.some(eq);
    case 'NOT IN':
      return !c.values.some(eq);
    case 'LIKE':
      return like();
    case 'NOT LIKE':
      return !like();
    case 'IS NULL':
      return value === null;
    case 'IS NOT NULL':
      return value !== null;
  }
}

export function run(q: Query, all: readonly Scope[]): Scope[] {
  let rows = all.filter((s) => q.where.every((c) => matches(s, c)));
  if (q.orderBy.length) {
    rows = [...rows].sort((x, y) => {
      for (const o of q.orderBy) {
        const d = compare(lookup(x, o.field).value, lookup(y, o.field).value);
        if (d !== 0) return o.desc ? -d : d;
      }
      return 0;
    });
  }
  return q.limit === null ? rows : rows.slice(0, q.limit);
}

export function camel(s: string): string {
  return s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** REST row: only selected fields plus each present resource's resourceName. */
export function render(q: Query, scope: Scope): Record<string, Record<string, unknown>> {
  const row: Record<string, Record<string, unknown>> = {};
  for (const f of q.select) {
    const prefix = f.slice(0, f.indexOf('.'));
    const res = scope[prefix];
    // segments and metrics are not resources: no resourceName.
    const obj = (row[camel(prefix)] ??=
      prefix === 'segments' || prefix === 'metrics' ? {} : { resourceName: res?.['resource_name'] ?? null });
    // Nested messages (`ad_group_ad.ad.id`) become nested objects, each with its own resourceName.
    const path = f.slice(f.indexOf('.') + 1).split('.');
    let at = obj;
    for (let i = 0; i < path.length - 1; i++) {
      const sub = path.slice(0, i + 1).join('.');
      const resName = res?.[`${sub}.resource_name`];
      at = (at[camel(path[i] ?? '')] ??= resName !== undefined ? { resourceName: resName } : {}) as Record<
        string,
        unknown
      >;
    }
    at[camel(path[path.length - 1] ?? '')] = lookup(scope, f).value;
  }
  return row;
}

export function fieldMask(q: Query): string {
  return q.select.map((f) => f.split('.').map(camel).join('.')).join(',');
}
