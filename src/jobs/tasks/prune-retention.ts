import { pruneExpired } from '../../retention/prune.ts';
import { scheduledTask } from '../define.ts';

declare module '../../db/queue.ts' {
  interface JobPayloads {
    prune_retention: Record<string, never>;
  }
}

/** Every org's expired data, in small batches (see docs/retention.md). */
export const pruneRetention = scheduledTask('prune_retention', '*/10 * * * *', async (ctx) => {
  const r = await pruneExpired(ctx.db.owner, { pauseMs: 20 });
  const total = Object.values(r.pruned).reduce((a, b) => a + b, 0);
  if (total) ctx.log.info({ pruned: r.pruned }, 'pruned expired data');
});
