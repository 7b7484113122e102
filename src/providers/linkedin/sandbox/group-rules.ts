/**
 * Campaign group validation as LinkedIn answers it: every problem found becomes one input error
 * (`{description, input:{inputPath:{fieldPath}}, code}`) in the 400 envelope of ads.md §4.8.
 * Budgets are `{amount, currencyCode}` decimal strings in the account currency; a daily budget
 * needs Dynamic Group Budget (`budgetOptimization`), which takes a daily or a total budget but
 * not both; a total budget needs an end date (the adCampaignGroups schema). The minimums (10 a
 * day, 100 in total, in the account currency) follow LinkedIn's advertiser help; only
 * FIELD_VALUE_TOO_LOW is a code the sheet names, the others are the simulator's own spelling.
 */
import { json, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { CampaignGroup, Money } from './world.ts';

export interface InputError {
  description: string;
  input: { inputPath: { fieldPath: string } };
  code: string;
}

export const GROUP_CREATE_STATUSES = ['ACTIVE', 'PAUSED', 'DRAFT'];
const GROUP_STATUSES = ['ACTIVE', 'ARCHIVED', 'CANCELED', 'DRAFT', 'PAUSED', 'PENDING_DELETION', 'REMOVED'];
export const OBJECTIVES = [
  'BRAND_AWARENESS',
  'ENGAGEMENT',
  'JOB_APPLICANT',
  'LEAD_GENERATION',
  'WEBSITE_CONVERSION',
  'WEBSITE_VISIT',
  'VIDEO_VIEW',
  'TALENT_LEAD',
  'CREATIVE_ENGAGEMENT',
  'CONVERSATION_STARTER',
];
const NAME_MAX = 100;
const MIN_DAILY = 10;
const MIN_TOTAL = 100;

export const inputError = (fieldPath: string, code: string, description: string): InputError => ({
  description,
  input: { inputPath: { fieldPath } },
  code,
});

/** The 400 LinkedIn sends for failed input validation: one message, or a pointer to errorDetails. */
export function validationFailed(errors: readonly InputError[]): SandboxResponse {
  const first = errors[0] as InputError;
  return json(400, {
    status: 400,
    code: first.code,
    message:
      errors.length === 1
        ? first.description
        : 'Multiple errors occurred during the input validation. Please check errorDetails for more information.',
    errorDetailType: 'com.linkedin.common.error.BadRequest',
    errorDetails: { inputErrors: errors, conditionalInputErrors: [] },
  });
}

function money(field: string, v: unknown, currency: string, min: number, errors: InputError[]): void {
  const m = v as Partial<Money> | undefined;
  if (!m || typeof m !== 'object' || typeof m.amount !== 'string' || !/^-?\d+(\.\d+)?$/.test(m.amount)) {
    errors.push(inputError(`${field}.amount`, 'INVALID_VALUE', `${field}.amount must be a decimal string`));
    return;
  }
  if (m.currencyCode !== currency)
    errors.push(
      inputError(
        `${field}.currencyCode`,
        'INVALID_VALUE',
        `${field}.currencyCode must be the account currency ${currency}`,
      ),
    );
  if (Number(m.amount) < min)
    errors.push(
      inputError(
        `${field}.amount`,
        'FIELD_VALUE_TOO_LOW',
        `${field} amount must be at least ${min.toFixed(2)} ${currency}`,
      ),
    );
}

/** Checks a campaign group as it would be after the write; `before` is its current state on an update. */
export function checkGroup(g: Record<string, unknown>, currency: string, before?: CampaignGroup): InputError[] {
  const errors: InputError[] = [];
  const name = g['name'];
  if (name === undefined) errors.push(inputError('name', 'REQUIRED_FIELD_MISSING', 'name is required'));
  else if (typeof name !== 'string' || !name.trim())
    errors.push(inputError('name', 'INVALID_VALUE', 'Campaign group name can not be empty'));
  else if ([...name].length > NAME_MAX)
    errors.push(inputError('name', 'INVALID_VALUE', `Campaign group name must be at most ${NAME_MAX} characters`));
  const status = g['status'];
  if (typeof status !== 'string' || !(before ? GROUP_STATUSES : GROUP_CREATE_STATUSES).includes(status)) {
    errors.push(
      inputError(
        'status',
        'INVALID_VALUE',
        `status must be one of ${(before ? GROUP_STATUSES : GROUP_CREATE_STATUSES).join(', ')}`,
      ),
    );
  } else if (before && status !== before.status) {
    if (status === 'DRAFT')
      errors.push(inputError('status', 'INVALID_VALUE', 'A campaign group cannot go back to DRAFT'));
    if (status === 'REMOVED')
      errors.push(inputError('status', 'INVALID_VALUE', 'status REMOVED is set by deleting a DRAFT campaign group'));
  }
  const schedule = g['runSchedule'] as { start?: unknown; end?: unknown } | undefined;
  if (!schedule || typeof schedule !== 'object')
    errors.push(inputError('runSchedule', 'REQUIRED_FIELD_MISSING', 'runSchedule is required'));
  else {
    if (typeof schedule.start !== 'number' || !Number.isInteger(schedule.start))
      errors.push(
        inputError('runSchedule.start', 'REQUIRED_FIELD_MISSING', 'runSchedule.start is required (epoch milliseconds)'),
      );
    if (schedule.end !== undefined && (typeof schedule.end !== 'number' || !Number.isInteger(schedule.end)))
      errors.push(inputError('runSchedule.end', 'INVALID_VALUE', 'runSchedule.end must be epoch milliseconds'));
    else if (typeof schedule.end === 'number' && typeof schedule.start === 'number' && schedule.end <= schedule.start) {
      errors.push(inputError('runSchedule.end', 'INVALID_VALUE', 'runSchedule.end must be after runSchedule.start'));
    }
  }
  const objective = g['objectiveType'];
  if (objective !== undefined && (typeof objective !== 'string' || !OBJECTIVES.includes(objective)))
    errors.push(inputError('objectiveType', 'INVALID_VALUE', `objectiveType must be one of ${OBJECTIVES.join(', ')}`));
  if (before?.objectiveType !== undefined && objective !== before.objectiveType)
    errors.push(inputError('objectiveType', 'INVALID_VALUE', 'objectiveType cannot be changed once set'));
  const dynamic = (g['budgetOptimization'] as { budgetOptimizationStrategy?: unknown } | undefined)
    ?.budgetOptimizationStrategy;
  if (g['budgetOptimization'] !== undefined && dynamic !== 'DYNAMIC')
    errors.push(
      inputError(
        'budgetOptimization.budgetOptimizationStrategy',
        'INVALID_VALUE',
        'budgetOptimizationStrategy must be DYNAMIC',
      ),
    );
  if (g['totalBudget'] !== undefined) {
    money('totalBudget', g['totalBudget'], currency, MIN_TOTAL, errors);
    if (schedule && typeof schedule === 'object' && schedule.end === undefined)
      errors.push(
        inputError('runSchedule.end', 'REQUIRED_FIELD_MISSING', 'runSchedule.end is required when totalBudget is set'),
      );
  }
  if (g['dailyBudget'] !== undefined) {
    money('dailyBudget', g['dailyBudget'], currency, MIN_DAILY, errors);
    if (dynamic !== 'DYNAMIC')
      errors.push(
        inputError(
          'dailyBudget',
          'INVALID_VALUE',
          'dailyBudget can only be set on a campaign group with Dynamic Group Budget (budgetOptimization)',
        ),
      );
    else if (g['totalBudget'] !== undefined)
      errors.push(
        inputError(
          'dailyBudget',
          'INVALID_VALUE',
          'A campaign group with Dynamic Group Budget takes a daily or a total budget, not both',
        ),
      );
  }
  return errors;
}
