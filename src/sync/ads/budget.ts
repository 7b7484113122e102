import type { Pool } from '../../db/pool.ts';
import type { ProviderDefinition } from '../../providers/types.ts';

/**
 * Paces calls to a platform that states a request rate (TikTok, Snapchat, Webflow, Wix): one
 * budget per platform app and one per account, kept in PostgreSQL so every worker process
 * draws from the same bucket. Returns how long to wait before the call.
 */
export async function takeBudget(owner: Pool, def: ProviderDefinition, accountId: string | null): Promise<number> {
  const rpm = def.rateLimit.requestsPerMinute;
  if (!rpm) return 0;
  const perSecond = rpm / 60;
  const burst = Math.max(1, perSecond * 5);
  const keys = [`app:${def.id}`, ...(accountId ? [`account:${def.id}:${accountId}`] : [])];
  let wait = 0;
  for (const key of keys) {
    const { rows } = await owner.query<{ w: number }>('select plexus_take_budget($1, $2, $3) as w', [
      key,
      perSecond,
      burst,
    ]);
    wait = Math.max(wait, rows[0]?.w ?? 0);
  }
  return wait;
}
