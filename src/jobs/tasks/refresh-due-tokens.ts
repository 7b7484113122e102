import { recordEvent } from '../../connections/events.ts';
import { withOrgTx } from '../../db/tx.ts';
import { providers } from '../../providers/registry.ts';
import { enqueueMany, type JobSpec } from '../../db/queue.ts';
import type { TaskContext } from '../types.ts';
import { scheduledTask } from '../define.ts';

declare module '../../db/queue.ts' {
  interface JobPayloads {
    refresh_due_tokens: Record<string, never>;
  }
}

/**
 * The safety net behind per-connection refresh jobs: every minute, connections whose refresh
 * is due (or overdue, e.g. after an outage dropped a job) get a refresh job. The job key makes
 * this a no-op for connections that already have one pending.
 */
export const refreshDueTokens = scheduledTask('refresh_due_tokens', '* * * * *', async (ctx) => {
  await warnExpiring(ctx);
  for (;;) {
    const { rows } = await ctx.db.owner.query<{ org_id: string; id: string }>(
      `select c.org_id, c.id from connections c
       where c.status = 'active' and c.next_refresh_at <= now() + interval '1 minute'
         and not exists (select 1 from graphile_worker.jobs j where j.key = 'refresh:' || c.id)
       order by c.next_refresh_at limit 500`,
    );
    if (!rows.length) return;
    const specs = rows.map((r): JobSpec => ({
      task: 'refresh_connection',
      payload: { org_id: r.org_id, connection_id: r.id },
      jobKey: `refresh:${r.id}`,
    }));
    // The owner role may enqueue for any org: plexus_enqueue_many checks only tenant transactions.
    await enqueueMany(ctx.db.owner, specs);
    ctx.log.info({ count: rows.length }, 'scheduled overdue token refreshes');
    if (rows.length < 500) return;
  }
});

/** Platforms whose refresh cannot push the expiry out forever (Meta re-exchange, no refresh at all). */
const NON_EXTENDING = Object.values(providers)
  .filter((p) => p.auth.refresh === 'exchange' || p.auth.refresh === 'none')
  .map((p) => p.id);

/**
 * Some grants end whatever Plexus does: Meta's long-lived token (about 60 days), LinkedIn's
 * refresh token (365 days from first consent). A week (or two, for refresh tokens) before
 * that, record `connection.expiring` once a day so the host app can ask the person to
 * reconnect before anything breaks.
 */
async function warnExpiring(ctx: TaskContext): Promise<void> {
  const { rows } = await ctx.db.owner.query<{ org_id: string; id: string; provider: string; at: Date }>(
    `select c.org_id, c.id, c.provider, least(case when c.provider = any($1) then c.expires_at end, c.refresh_expires_at) as at
     from connections c
     where c.status = 'active'
       and ((c.provider = any($1) and c.expires_at < now() + interval '7 days')
            or c.refresh_expires_at < now() + interval '14 days')
       and not exists (select 1 from events e where e.org_id = c.org_id and e.type = 'connection.expiring'
                       and e.payload->>'connection_id' = c.id::text and e.created_at > now() - interval '1 day')
     limit 1000`,
    [NON_EXTENDING],
  );
  for (const r of rows) {
    await withOrgTx(ctx.db.app, r.org_id, (c) =>
      recordEvent(c, r.org_id, 'connection.expiring', { connection_id: r.id, provider: r.provider, expires_at: r.at }),
    );
  }
  if (rows.length) ctx.log.info({ count: rows.length }, 'recorded connection.expiring warnings');
}
