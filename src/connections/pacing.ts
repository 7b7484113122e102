import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from '../db/pool.ts';
import type { ConnectorContext } from '../providers/contracts/connector.ts';
import { retryAfterMs } from '../providers/kit/errors.ts';
import type { HttpRequest, HttpResponse, ProviderHttp } from '../providers/kit/http.ts';
import { assertAlive, currentFence, FencedError } from '../db/fence.ts';

/** A 429 is waited out and resent this many times before it reaches the caller as an error. */
const MAX_THROTTLED_RESENDS = 6;
/** A longer Retry-After goes back to the caller (the job comes back later) instead of holding a worker slot. */
const MAX_WAIT_MS = 30_000;

/** The steady rate and burst a site allows, from its definition or an operator's override (`PLEXUS_<ID>_REQUESTS_PER_MINUTE`). */
export function siteRate(ctx: ConnectorContext): { perSecond: number; burst: number } | null {
  const override = Number(ctx.app.extra['requestsPerMinute'] ?? '');
  const rl = ctx.def.rateLimit;
  // A leaky bucket is never filled to the brim: a little headroom absorbs uneven spacing.
  const headroom = (size: number) => Math.max(1, size - 2);
  if (override > 0)
    return {
      perSecond: override / 60,
      burst: Math.max(1, rl.bucket ? headroom(Math.min(rl.bucket.size, (override / 60) * 20)) : (override / 60) * 5),
    };
  if (rl.bucket) return { perSecond: rl.bucket.leakPerSecond, burst: headroom(rl.bucket.size) };
  if (rl.requestsPerMinute)
    return { perSecond: rl.requestsPerMinute / 60, burst: Math.max(1, (rl.requestsPerMinute / 60) * 5) };
  return null;
}

/**
 * Every call to a site goes through one budget per site shared by all worker processes (kept in
 * PostgreSQL), so a publish of thousands of items runs at the platform's rate instead of into
 * its 429s; a 429 that still comes (another client on the same site) is waited out as the
 * platform's Retry-After says and sent again. A call that states its `budget` units (Shopify's
 * query cost) takes those, gives back what the answer says it did not use, and lowers the
 * budget to what the platform reports left. Each call is also fenced: a job whose lease was
 * taken, or whose process went silent, stops before it sends anything more (db/fence.ts).
 */
export function pacedContext(owner: Pool, ctx: ConnectorContext, siteKey: string): ConnectorContext {
  const rate = siteRate(ctx);
  const inner = ctx.http;
  const http = Object.create(inner) as ProviderHttp;
  const key = `site:${ctx.def.id}:${siteKey}`;
  http.send = async (req: HttpRequest): Promise<HttpResponse> => {
    const fence = currentFence();
    for (let attempt = 0; ; attempt++) {
      assertAlive(fence);
      const units = req.budget?.units ?? 1;
      if ((rate && units > 0) || fence?.resource) {
        // The budget and the lease in one round trip.
        const { rows } = await owner.query<{ w: number | null; held: boolean | null }>(
          'select case when $2::float8 > 0 and $6::float8 > 0 then plexus_take_budget($1, $2, $3, $6) end as w, case when $4::text is not null then plexus_lease_held($4, $5) end as held',
          [key, rate?.perSecond ?? 0, rate?.burst ?? 0, fence?.resource ?? null, fence?.generation ?? 0, units],
        );
        if (rows[0]?.held === false)
          throw new FencedError(`the lease on ${fence!.resource} was taken by another runner`);
        const wait = rows[0]?.w ?? 0;
        if (wait > 0) await sleep(wait);
      }
      // Checked again just before sending: a pause during the wait must not end in a send.
      assertAlive(fence);
      const res = await inner.send(req);
      if (rate && req.budget) await settle(owner, key, rate, units, req.budget, res);
      if (res.status !== 429 || attempt >= MAX_THROTTLED_RESENDS) return res;
      const asked = retryAfterMs(res.headers);
      if (asked !== undefined && asked > MAX_WAIT_MS) return res;
      await sleep(Math.min(MAX_WAIT_MS, asked ?? 1000 * 2 ** attempt));
    }
  };
  return { ...ctx, http };
}

/** Returns the units a call did not use and caps the budget at what the platform says is left. */
async function settle(
  owner: Pool,
  key: string,
  rate: { perSecond: number; burst: number },
  units: number,
  b: NonNullable<HttpRequest['budget']>,
  res: HttpResponse,
): Promise<void> {
  const used = b.used?.(res);
  if (used !== undefined && used < units)
    await owner.query('select plexus_take_budget($1, $2, $3, $4)', [key, rate.perSecond, rate.burst, used - units]);
  const left = b.available?.(res);
  if (left !== undefined)
    await owner.query('select plexus_cap_budget($1, $2, $3, $4)', [key, rate.perSecond, rate.burst, left]);
}
