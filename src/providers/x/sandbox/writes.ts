/**
 * X Ads single-entity writes (ads.md §5.3), parameters as query or form (never JSON):
 * `POST/PUT/DELETE /12/accounts/:account_id/campaigns[/:campaign_id]`,
 * `PUT/DELETE …/line_items/:line_item_id` and `DELETE …/promoted_tweets/:promoted_tweet_id`
 * (promoted tweets take no PUT: the host answers 405). PUT changes only the params sent and an
 * empty string unsets an optional field. Errors are X's `{errors: [{code, message, parameter}]}`
 * with HTTP 400 (INVALID_PARAMETER, MISSING_PARAMETER) or 404 (NOT_FOUND). Writes change the world,
 * so later reads and syncs see them.
 */
import { randomBytes } from 'node:crypto';
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import { adsError, type Guard } from './envelope.ts';
import type { XContext } from './context.ts';
import { xTime, type Account, type Campaign } from './world.ts';

const NAME_MAX = 255;
const PO_MAX = 50;
/**
 * Smallest budget the sandbox accepts: 1.00 of the account currency. X enforces minimums per
 * currency that ads.md does not list; one unit stands in for them.
 */
export const MIN_BUDGET_MICRO = 1_000_000;

type Params = Record<string, string>;
/** What campaigns and line items share about money. */
type Budgeted = Pick<Campaign, 'currency' | 'daily_budget_amount_local_micro' | 'total_budget_amount_local_micro'>;

/** The entities a PUT or DELETE names in its path: the path parameter, the name 404s use, the list. */
const ENTITIES = {
  campaigns: { param: 'campaign_id', label: 'Campaign', of: (w: XContext['world']) => w.campaigns },
  line_items: { param: 'line_item_id', label: 'Line Item', of: (w: XContext['world']) => w.lineItems },
  promoted_tweets: {
    param: 'promoted_tweet_id',
    label: 'Promoted Tweet',
    of: (w: XContext['world']) => w.promotedTweets,
  },
};
type Endpoint = keyof typeof ENTITIES;
type EntityOf<K extends Endpoint> = ReturnType<(typeof ENTITIES)[K]['of']>[number];
type Checked<T> = { ok: true; value: T } | { ok: false; res: SandboxResponse };

/** Thrown to end a write early with the 400 it answers. */
class Invalid extends Error {
  constructor(readonly res: SandboxResponse) {
    super('invalid ads request');
  }
}

function b36(n: number): string {
  let s = '';
  for (const byte of randomBytes(n)) s += (byte % 36).toString(36);
  return s;
}

/** Reads and checks one request's params; the first problem ends the request with X's error. */
class Reader {
  constructor(
    private readonly p: Params,
    private readonly echo: Record<string, unknown>,
  ) {}

  fail(message: string, parameter: string, code = 'INVALID_PARAMETER', value?: string): never {
    throw new Invalid(
      adsError(400, code, message, this.echo, { parameter, ...(value === undefined ? {} : { value }) }),
    );
  }

  /** A required parameter: absent is MISSING_PARAMETER, empty is INVALID_PARAMETER. */
  required(name: string): string {
    const v = this.p[name];
    if (v === undefined) this.fail(`"${name}" is missing`, name, 'MISSING_PARAMETER');
    return v;
  }

  name(required: boolean): string | undefined {
    const v = required ? this.required('name') : this.p['name'];
    if (v === undefined) return undefined;
    if (v.trim() === '' || v.length > NAME_MAX)
      this.fail(
        `Expected string with length between 1 and ${NAME_MAX}, got "${v.length > 40 ? `${v.slice(0, 40)}…` : v}" for name`,
        'name',
        'INVALID_PARAMETER',
        v,
      );
    return v;
  }

  oneOf(name: string, allowed: readonly string[]): string | undefined {
    const v = this.p[name];
    if (v === undefined) return undefined;
    if (!allowed.includes(v))
      this.fail(`Expected enum value in [${allowed.join(', ')}], got "${v}" for ${name}`, name, 'INVALID_PARAMETER', v);
    return v;
  }

  /** A long in micros: undefined when absent, null when sent empty (unset), else at least the minimum. */
  budget(name: string, currency: string): number | null | undefined {
    const v = this.p[name];
    if (v === undefined) return undefined;
    if (v === '') return null;
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)))
      this.fail(`Expected long, got "${v}" for ${name}`, name, 'INVALID_PARAMETER', v);
    const n = Number(v);
    if (n < MIN_BUDGET_MICRO)
      this.fail(`${name} must be at least ${MIN_BUDGET_MICRO} (1.00 ${currency})`, name, 'INVALID_PARAMETER', v);
    return n;
  }

  bool(name: string): boolean | undefined {
    const v = this.p[name];
    if (v === undefined) return undefined;
    if (v !== 'true' && v !== 'false')
      this.fail(`Expected boolean, got "${v}" for ${name}`, name, 'INVALID_PARAMETER', v);
    return v === 'true';
  }

  /** ISO 8601 time (ads.md §5.3 accepts Z, ±HHMM, ±HH:MM, ±HH); empty unsets an optional one. */
  time(name: string): string | null | undefined {
    const v = this.p[name];
    if (v === undefined) return undefined;
    if (v === '') return null;
    const normalized = v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2').replace(/([+-]\d{2})$/, '$1:00');
    const ms = Date.parse(normalized);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(ms))
      this.fail(`Expected time, got "${v}" for ${name}`, name, 'INVALID_PARAMETER', v);
    return xTime(ms);
  }

  limited(name: string, max: number): string | null | undefined {
    const v = this.p[name];
    if (v === undefined) return undefined;
    if (v === '') return null;
    if (v.length > max)
      this.fail(`Expected string with length at most ${max} for ${name}`, name, 'INVALID_PARAMETER', v);
    return v;
  }

  /** Daily must not exceed total (ads.md §5.3 / X reference: "less than or equal to"). */
  budgetsAgree(daily: number | null | undefined, total: number | null | undefined): void {
    if (daily != null && total != null && daily > total) {
      this.fail(
        'daily_budget_amount_local_micro must be less than or equal to total_budget_amount_local_micro',
        'daily_budget_amount_local_micro',
      );
    }
  }

  /**
   * The budgets an update sends, checked against each other with what it leaves unchanged
   * filled in from the entity; undefined where the update sends none.
   */
  budgetUpdate(current: Budgeted): { daily: number | null | undefined; total: number | null | undefined } {
    const daily = this.budget('daily_budget_amount_local_micro', current.currency);
    const total = this.budget('total_budget_amount_local_micro', current.currency);
    this.budgetsAgree(
      daily === undefined ? current.daily_budget_amount_local_micro : daily,
      total === undefined ? current.total_budget_amount_local_micro : total,
    );
    return { daily, total };
  }

  scheduleAgrees(start: string | null, end: string | null): void {
    if (start && end && Date.parse(end) <= Date.parse(start))
      this.fail(`Expected end_time after start_time, got "${end}" for end_time`, 'end_time', 'INVALID_PARAMETER', end);
  }
}

function checked<T>(fn: () => T): Checked<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, res: e.res };
    throw e;
  }
}

function strip<T extends { account_id: string }>(e: T): Omit<T, 'account_id'> {
  const { account_id: _a, ...rest } = e;
  return rest;
}

export function writeRoutes(r: Router, ctx: XContext, guard: Guard): void {
  const w = () => ctx.world;
  const echoOf = (p: Params, account: Account | undefined, extra: Record<string, string> = {}) => ({
    ...p,
    ...extra,
    account_id: account?.id,
  });
  const notFound = (kind: string, id: string, account: Account | undefined, echo: Record<string, unknown>) =>
    adsError(404, 'NOT_FOUND', `${kind} ${id} was not found for Account ${account?.id ?? ''}`, echo);
  const ok = (echo: Record<string, unknown>, data: object) => json(200, { request: { params: echo }, data });
  const touch = (e: { updated_at: string }) => {
    e.updated_at = xTime(ctx.now());
  };
  /** Sets the values an update gave (undefined ones were not sent) and stamps the change. */
  const update = (e: { updated_at: string }, values: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(values)) if (v !== undefined) (e as Record<string, unknown>)[k] = v;
    touch(e);
  };
  /** Deletes cascade down the tree; what was deleted before keeps its own time. */
  const markDeleted = (entities: { deleted?: boolean; updated_at: string }[]) => {
    for (const e of entities) {
      if (e.deleted) continue;
      e.deleted = true;
      touch(e);
    }
  };
  /** A write on the live entity the path names; a deleted one, or another account's, is a 404. */
  const onEntity = <K extends Endpoint>(
    endpoint: K,
    handle: (e: EntityOf<K>, p: Params, echo: Record<string, unknown>) => SandboxResponse,
  ) =>
    guard('writes', endpoint, (req: SandboxRequest, p, account) => {
      const { param, label, of } = ENTITIES[endpoint];
      const id = req.params[param] ?? '';
      const echo = echoOf(p, account, { [param]: id });
      const list: EntityOf<K>[] = of(w());
      const e = list.find((x) => x.id === id && x.account_id === account?.id && !x.deleted);
      return e ? handle(e, p, echo) : notFound(label, id, account, echo);
    });

  r.add(
    'POST',
    '/:version/accounts/:account_id/campaigns',
    guard('writes', 'campaigns', (_req: SandboxRequest, p, account) => {
      const echo = echoOf(p, account);
      const currency = account?.currency ?? 'USD';
      const result = checked(() => {
        const rd = new Reader(p, echo);
        const fi = rd.required('funding_instrument_id');
        const name = rd.name(true) ?? '';
        if (fi !== w().instruments.get(account?.id ?? ''))
          rd.fail(
            `Funding instrument ${fi} was not found for Account ${account?.id ?? ''}`,
            'funding_instrument_id',
            'INVALID_PARAMETER',
            fi,
          );
        const status = (rd.oneOf('entity_status', ['ACTIVE', 'DRAFT', 'PAUSED']) ??
          'ACTIVE') as Campaign['entity_status'];
        const optimization = rd.oneOf('budget_optimization', ['CAMPAIGN', 'LINE_ITEM']) ?? 'CAMPAIGN';
        const daily = rd.budget('daily_budget_amount_local_micro', currency) ?? null;
        const total = rd.budget('total_budget_amount_local_micro', currency) ?? null;
        rd.budgetsAgree(daily, total);
        const standard = rd.bool('standard_delivery') ?? true;
        const po = rd.limited('purchase_order_number', PO_MAX) ?? null;
        const now = xTime(ctx.now());
        const c: Campaign = {
          id: b36(5),
          account_id: account?.id ?? '',
          name,
          funding_instrument_id: fi,
          entity_status: status,
          effective_status: status === 'ACTIVE' ? 'RUNNING' : status === 'PAUSED' ? 'PAUSED' : 'DRAFT',
          // A campaign without line items cannot serve yet.
          servable: false,
          reasons_not_servable: [...(status === 'PAUSED' ? ['PAUSED_BY_ADVERTISER'] : []), 'INCOMPLETE'],
          daily_budget_amount_local_micro: daily,
          total_budget_amount_local_micro: total,
          budget_optimization: optimization,
          standard_delivery: standard,
          duration_in_days: null,
          frequency_cap: null,
          purchase_order_number: po,
          currency,
          created_at: now,
          updated_at: now,
          deleted: false,
        };
        return c;
      });
      if (!result.ok) return result.res;
      w().campaigns.push(result.value);
      return ok(echo, strip(result.value));
    }),
  );

  r.add(
    'PUT',
    '/:version/accounts/:account_id/campaigns/:campaign_id',
    onEntity('campaigns', (c, p, echo) => {
      const result = checked(() => {
        const rd = new Reader(p, echo);
        const name = rd.name(false);
        const status = rd.oneOf('entity_status', ['ACTIVE', 'PAUSED']) as Campaign['entity_status'] | undefined;
        const { daily, total } = rd.budgetUpdate(c);
        return {
          name,
          entity_status: status,
          budget_optimization: rd.oneOf('budget_optimization', ['CAMPAIGN', 'LINE_ITEM']),
          daily_budget_amount_local_micro: daily,
          total_budget_amount_local_micro: total,
          standard_delivery: rd.bool('standard_delivery'),
          purchase_order_number: rd.limited('purchase_order_number', PO_MAX),
        };
      });
      if (!result.ok) return result.res;
      update(c, result.value);
      if (result.value.entity_status) {
        c.effective_status = c.entity_status === 'ACTIVE' ? 'RUNNING' : 'PAUSED';
        c.reasons_not_servable = c.entity_status === 'PAUSED' ? ['PAUSED_BY_ADVERTISER'] : [];
        c.servable = c.entity_status === 'ACTIVE';
      }
      return ok(echo, strip(c));
    }),
  );

  r.add(
    'DELETE',
    '/:version/accounts/:account_id/campaigns/:campaign_id',
    // Deleting is not reversible; a second DELETE is a 404.
    onEntity('campaigns', (c, _p, echo) => {
      const lines = w().lineItems.filter((l) => l.campaign_id === c.id);
      const ids = new Set(lines.map((l) => l.id));
      markDeleted([c, ...lines, ...w().promotedTweets.filter((t) => ids.has(t.line_item_id))]);
      return ok(echo, strip(c));
    }),
  );

  r.add(
    'PUT',
    '/:version/accounts/:account_id/line_items/:line_item_id',
    onEntity('line_items', (li, p, echo) => {
      const result = checked(() => {
        const rd = new Reader(p, echo);
        const start = rd.time('start_time');
        if (start === null) rd.fail('Expected time, got "" for start_time', 'start_time', 'INVALID_PARAMETER', '');
        const end = rd.time('end_time');
        rd.scheduleAgrees(start ?? li.start_time, end === undefined ? li.end_time : end);
        const { daily, total } = rd.budgetUpdate(li);
        return {
          name: rd.name(false),
          entity_status: rd.oneOf('entity_status', ['ACTIVE', 'PAUSED']),
          start_time: start ?? undefined,
          end_time: end,
          daily_budget_amount_local_micro: daily,
          total_budget_amount_local_micro: total,
        };
      });
      if (!result.ok) return result.res;
      update(li, result.value);
      return ok(echo, strip(li));
    }),
  );

  r.add(
    'DELETE',
    '/:version/accounts/:account_id/line_items/:line_item_id',
    onEntity('line_items', (li, _p, echo) => {
      markDeleted([li, ...w().promotedTweets.filter((t) => t.line_item_id === li.id)]);
      return ok(echo, strip(li));
    }),
  );

  r.add(
    'DELETE',
    '/:version/accounts/:account_id/promoted_tweets/:promoted_tweet_id',
    onEntity('promoted_tweets', (t, _p, echo) => {
      t.deleted = true;
      touch(t);
      return ok(echo, strip(t));
    }),
  );
}
