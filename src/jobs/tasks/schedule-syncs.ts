import { engineSettings } from '../../config/schema.ts';
import { enqueueMany } from '../../db/queue.ts';
import { scheduledTask } from '../define.ts';

declare module '../../db/queue.ts' {
  interface JobPayloads {
    schedule_syncs: Record<string, never>;
  }
}

/**
 * Every minute: active connections whose last sync is older than their interval (their own,
 * or the default) get a sync job. The job key makes this a no-op for a connection that already
 * has one pending, so a long sync is never doubled.
 */
export const scheduleSyncs = scheduledTask('schedule_syncs', '* * * * *', async (ctx) => {
  const { rows } = await ctx.db.owner.query<{ org_id: string; id: string }>(
    `select c.org_id, c.id from connections c
     where c.status = 'active' and coalesce(c.sync_interval_minutes, $1) > 0
       and (c.last_sync_at is null or c.last_sync_at < now() - make_interval(mins => coalesce(c.sync_interval_minutes, $1)))
       and not exists (select 1 from graphile_worker.jobs j where j.key = 'sync:' || c.id)
       -- last_sync_at moves when a sync finishes: one whose job died waits out the interval too.
       and not exists (select 1 from dead_letters d where d.org_id = c.org_id and d.task = 'sync_connection' and d.payload->>'connection_id' = c.id::text
                         and d.replayed_at is null and d.failed_at > now() - make_interval(mins => coalesce(c.sync_interval_minutes, $1)))
     limit 1000`,
    [engineSettings().syncIntervalMinutes],
  );
  if (!rows.length) return;
  await enqueueMany(
    ctx.db.owner,
    rows.map((r) => ({
      task: 'sync_connection',
      payload: { org_id: r.org_id, connection_id: r.id, reason: 'scheduled' },
      jobKey: `sync:${r.id}`,
    })),
  );
  ctx.log.info({ count: rows.length }, 'scheduled syncs');
});
