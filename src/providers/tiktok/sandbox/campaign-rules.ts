/**
 * What TikTok checks on a campaign write before it changes anything: the name, the objective,
 * the budget mode (fixed once the campaign exists) and the budget, a number in the advertiser
 * currency's major units with at most two decimals and above the campaign minimum. Every
 * refusal is code 40002 with a `field: reason` message inside HTTP 200.
 */
import type { Campaign } from './world.ts';

export const OBJECTIVES = [
  'APP_PROMOTION',
  'WEB_CONVERSIONS',
  'LEAD_GENERATION',
  'REACH',
  'TRAFFIC',
  'VIDEO_VIEWS',
  'ENGAGEMENT',
  'PRODUCT_SALES',
  'CATALOG_SALES',
  'CONVERSIONS',
  'APP_INSTALL',
  'RF_REACH',
  'RF_TRAFFIC',
  'RF_VIDEO_VIEW',
  'RF_ENGAGEMENT',
  'RF_APP_INSTALL',
  'TOPVIEW_REACH',
  'SHOP',
  'BRAND_AD',
];
export const BUDGET_MODES = [
  'BUDGET_MODE_INFINITE',
  'BUDGET_MODE_DAY',
  'BUDGET_MODE_TOTAL',
  'BUDGET_MODE_DYNAMIC_DAILY_BUDGET',
];
const NAME_MAX = 512;
/**
 * Campaign budget minimums in major units. The sheet does not give them; these follow TikTok's
 * advertiser help (50 USD a day or in total), scaled for currencies without minor units.
 */
const MINIMUM: Record<string, number> = { USD: 50, EUR: 50, GBP: 50, JPY: 5000, KRW: 50000 };

export type Rule = { ok: true } | { ok: false; message: string };
const bad = (message: string): Rule => ({ ok: false, message });
const OK: Rule = { ok: true };

export function checkName(v: unknown, required: boolean): Rule {
  if (v === undefined) return required ? bad('campaign_name: Missing data for required field.') : OK;
  if (typeof v !== 'string' || !v.trim()) return bad('campaign_name: Field may not be blank.');
  if ([...v].length > NAME_MAX) return bad(`campaign_name: Length must be between 1 and ${NAME_MAX}.`);
  return OK;
}

export function checkObjective(v: unknown): Rule {
  if (v === undefined) return bad('objective_type: Missing data for required field.');
  return typeof v === 'string' && OBJECTIVES.includes(v)
    ? OK
    : bad(`objective_type: Must be one of: ${OBJECTIVES.join(', ')}.`);
}

/** The budget for a mode: required unless unlimited, a positive number, two decimals at most, above the minimum. */
export function checkBudget(mode: string, v: unknown, currency: string): Rule {
  if (mode === 'BUDGET_MODE_INFINITE')
    return v === undefined || v === 0 ? OK : bad('budget: Must be empty when budget_mode is BUDGET_MODE_INFINITE.');
  if (v === undefined) return bad('budget: Missing data for required field.');
  if (typeof v !== 'number' || !Number.isFinite(v)) return bad('budget: Not a valid number.');
  if (v <= 0) return bad('budget: Must be greater than 0.');
  if (Math.abs(Math.round(v * 100) - v * 100) > 1e-6) return bad('budget: At most 2 decimal places are allowed.');
  const min = MINIMUM[currency] ?? 50;
  if (v < min) return bad(`budget: The campaign budget must be at least ${min.toFixed(2)} ${currency}.`);
  return OK;
}

export function checkMode(v: unknown, current: Campaign | undefined): Rule {
  if (v === undefined) return current ? OK : bad('budget_mode: Missing data for required field.');
  if (typeof v !== 'string' || !BUDGET_MODES.includes(v))
    return bad(`budget_mode: Must be one of: ${BUDGET_MODES.join(', ')}.`);
  if (current && v !== current.budget_mode)
    return bad('budget_mode: The budget mode of a campaign cannot be changed after creation.');
  return OK;
}

export function firstFailure(...rules: Rule[]): string | undefined {
  for (const r of rules) if (!r.ok) return r.message;
  return undefined;
}
