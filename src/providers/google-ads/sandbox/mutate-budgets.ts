/**
 * `campaignBudgets:mutate`: money is int64 micros that must be a whole number of the currency's
 * smallest unit and at least one of it; a daily budget has `amount_micros`, a custom-period one
 * `total_amount_micros`; the period is fixed at creation; a budget a live campaign uses cannot
 * be removed; names are unique among the customer's budgets.
 */
import {
  checkKnown,
  customerOf,
  enumValue,
  fail,
  checkMask,
  int64,
  nextId,
  notFound,
  removedResource,
  required,
  type At,
  type Checked,
  type MutateService,
} from './mutate-kit.ts';
import type { Budget, GoogleWorld } from './world.ts';

/** Smallest billable unit in micros: a cent, or a whole unit for currencies without minor units. */
const unitMicros = (currency: string): bigint =>
  ['JPY', 'KRW', 'HUF', 'CLP', 'ISK', 'TWD', 'VND'].includes(currency) ? 1_000_000n : 10_000n;

/** Amount checks shared by create and update: sign, the currency's minimum and its smallest unit. */
function checkAmount(at: At, field: string, micros: bigint, currency: string): Checked | undefined {
  const unit = unitMicros(currency);
  if (micros < 0n)
    return fail(at, 'campaignBudgetError', 'NEGATIVE_MONEY_AMOUNT', 'A money amount was negative.', field, micros);
  if (micros < unit)
    return fail(
      at,
      'campaignBudgetError',
      'MONEY_AMOUNT_LESS_THAN_CURRENCY_MINIMUM_CPC',
      'A money amount was less than the minimum CPC for currency.',
      field,
      micros,
    );
  if (micros % unit !== 0n)
    return fail(
      at,
      'campaignBudgetError',
      'NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT',
      'A money amount was not a multiple of a minimum unit.',
      field,
      micros,
    );
  return undefined;
}

function budgetByName(world: GoogleWorld, customerId: string, name: unknown): Budget | undefined {
  const m = typeof name === 'string' ? /^customers\/(\d+)\/campaignBudgets\/(\d+)$/.exec(name) : null;
  const b = m ? world.budgets.get(m[2] ?? '') : undefined;
  return b && b.customerId === customerId && m?.[1] === customerId ? b : undefined;
}

const duplicateName = (world: GoogleWorld, customerId: string, name: string, self?: Budget) =>
  [...world.budgets.values()].some(
    (b) => b !== self && b.customerId === customerId && b.status !== 'REMOVED' && b.name === name,
  );

export const budgetService: MutateService = {
  message: 'resources.CampaignBudget',
  fields: [
    'resourceName',
    'id',
    'name',
    'amountMicros',
    'totalAmountMicros',
    'period',
    'deliveryMethod',
    'explicitlyShared',
    'status',
  ],

  create(world, customerId, body, at) {
    checkKnown(this, body, at);
    const period =
      enumValue(body, 'period', ['DAILY', 'CUSTOM_PERIOD'], 'BudgetPeriodEnum.BudgetPeriod', at) ?? 'DAILY';
    const delivery =
      enumValue(
        body,
        'deliveryMethod',
        ['STANDARD', 'ACCELERATED'],
        'BudgetDeliveryMethodEnum.BudgetDeliveryMethod',
        at,
      ) ?? 'STANDARD';
    const amount = int64(body, 'amountMicros', at);
    const total = int64(body, 'totalAmountMicros', at);
    // An omitted explicitly_shared means a shared budget, which must be named.
    const shared = body['explicitlyShared'] === undefined ? true : body['explicitlyShared'] === true;
    const name = typeof body['name'] === 'string' ? body['name'] : '';
    if (shared && !name.trim()) return required(at, 'name');
    if (name && duplicateName(world, customerId, name))
      return fail(at, 'campaignBudgetError', 'DUPLICATE_NAME', 'Budget with this name already exists.', 'name', name);
    const currency = customerOf(world, customerId)?.currency_code ?? 'USD';
    const err = money(at, period, amount, total, currency);
    if (err) return err;
    return {
      ok: true,
      apply() {
        const b: Budget = {
          id: nextId(world),
          customerId,
          name: name || `Budget ${world.budgets.size + 1}`,
          amount_micros: period === 'DAILY' ? String(amount) : null,
          total_amount_micros: period === 'CUSTOM_PERIOD' ? String(total) : null,
          period: period as Budget['period'],
          delivery_method: delivery as Budget['delivery_method'],
          explicitly_shared: shared,
          status: 'ENABLED',
        };
        world.budgets.set(b.id, b);
        return `customers/${customerId}/campaignBudgets/${b.id}`;
      },
    };
  },

  update(world, customerId, body, mask, at) {
    checkKnown(this, body, at);
    const b = budgetByName(world, customerId, body['resourceName']);
    if (!b) return notFound(at, String(body['resourceName']));
    if (b.status === 'REMOVED') return removedResource(at);
    const maskError = checkMask(
      at,
      mask,
      ['name', 'amount_micros', 'total_amount_micros', 'delivery_method'],
      ['period', 'explicitly_shared', 'id', 'resource_name'],
    );
    if (maskError) return maskError;
    const delivery = enumValue(
      body,
      'deliveryMethod',
      ['STANDARD', 'ACCELERATED'],
      'BudgetDeliveryMethodEnum.BudgetDeliveryMethod',
      at,
    );
    const amount = mask.includes('amount_micros')
      ? int64(body, 'amountMicros', at)
      : b.amount_micros === null
        ? undefined
        : BigInt(b.amount_micros);
    const totalNow = b.total_amount_micros ?? (b.period === 'CUSTOM_PERIOD' ? b.amount_micros : null);
    const total = mask.includes('total_amount_micros')
      ? int64(body, 'totalAmountMicros', at)
      : totalNow === null
        ? undefined
        : BigInt(totalNow);
    if (mask.includes('name')) {
      const name = body['name'];
      if (typeof name !== 'string' || (!name.trim() && b.explicitly_shared)) return required(at, 'name');
      if (duplicateName(world, customerId, name, b))
        return fail(at, 'campaignBudgetError', 'DUPLICATE_NAME', 'Budget with this name already exists.', 'name', name);
    }
    const err = money(at, b.period, amount, total, customerOf(world, customerId)?.currency_code ?? 'USD');
    if (err) return err;
    return {
      ok: true,
      apply() {
        if (mask.includes('name')) b.name = String(body['name']);
        if (mask.includes('amount_micros')) b.amount_micros = amount === undefined ? null : String(amount);
        if (mask.includes('total_amount_micros')) b.total_amount_micros = total === undefined ? null : String(total);
        if (delivery && mask.includes('delivery_method')) b.delivery_method = delivery as Budget['delivery_method'];
        return `customers/${customerId}/campaignBudgets/${b.id}`;
      },
    };
  },

  remove(world, customerId, name, at) {
    const b = budgetByName(world, customerId, name);
    if (!b) return notFound(at, name);
    if (b.status === 'REMOVED') return removedResource(at);
    if (world.campaigns.some((c) => c.budgetId === b.id && c.status !== 'REMOVED')) {
      return fail(
        at,
        'campaignBudgetError',
        'CAMPAIGN_BUDGET_IN_USE',
        'The campaign budget is associated with at least one campaign, and so the campaign budget cannot be removed.',
      );
    }
    return {
      ok: true,
      apply() {
        b.status = 'REMOVED';
        return name;
      },
    };
  },
};

/** A daily budget has amount_micros and no total; a custom-period one the reverse. */
function money(
  at: At,
  period: string,
  amount: bigint | undefined,
  total: bigint | undefined,
  currency: string,
): Checked | undefined {
  if (period === 'DAILY') {
    if (total !== undefined)
      return fail(
        at,
        'campaignBudgetError',
        'TOTAL_BUDGET_AMOUNT_MUST_BE_UNSET_FOR_BUDGET_PERIOD_DAILY',
        'Total budget amount must be unset when BudgetPeriod is DAILY.',
        'total_amount_micros',
      );
    if (amount === undefined) return required(at, 'amount_micros');
    return checkAmount(at, 'amount_micros', amount, currency);
  }
  if (amount !== undefined)
    return fail(at, 'fieldError', 'VALUE_MUST_BE_UNSET', "The field's value must be unset.", 'amount_micros');
  if (total === undefined) return required(at, 'total_amount_micros');
  return checkAmount(at, 'total_amount_micros', total, currency);
}
