import { plexusError } from '../core/errors.ts';
import type { Queryable } from '../db/pool.ts';
import { RETENTION_DEFAULTS, RETENTION_KINDS, type RetentionKind } from './policies.ts';

export type RetentionDays = Record<RetentionKind, number>;

/** The org's days per kind: its own settings over the defaults. */
export async function effectiveRetention(
  c: Queryable,
  orgId: string,
): Promise<{ days: RetentionDays; overrides: Partial<RetentionDays> }> {
  const { rows } = await c.query<{ days: Partial<RetentionDays> }>('select days from org_retention where org_id = $1', [
    orgId,
  ]);
  const overrides = rows[0]?.days ?? {};
  const days = { ...RETENTION_DEFAULTS };
  for (const k of RETENTION_KINDS) if (typeof overrides[k] === 'number') days[k] = overrides[k];
  return { days, overrides };
}

/**
 * Applies a change (null resets a kind to its default). The audit trail must outlive the
 * operations log, so a change that would keep it shorter is refused.
 */
export async function updateRetention(
  c: Queryable,
  orgId: string,
  change: Partial<Record<RetentionKind, number | null | undefined>>,
): Promise<{ days: RetentionDays; overrides: Partial<RetentionDays> }> {
  const { overrides } = await effectiveRetention(c, orgId);
  const next: Partial<RetentionDays> = { ...overrides };
  for (const k of RETENTION_KINDS) {
    const v = change[k];
    if (v === null) delete next[k];
    else if (v !== undefined) next[k] = v;
  }
  const audit = next.audit ?? RETENTION_DEFAULTS.audit;
  const operations = next.operations ?? RETENTION_DEFAULTS.operations;
  if (audit < operations) {
    throw plexusError('unprocessable', {
      message: `The audit trail must be kept at least as long as operations (${operations} days).`,
      details: { audit, operations },
    });
  }
  await c.query(
    `insert into org_retention (org_id, days) values ($1, $2) on conflict (org_id) do update set days = excluded.days, updated_at = now()`,
    [orgId, next],
  );
  return effectiveRetention(c, orgId);
}
