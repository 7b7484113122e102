import { pruneExpired } from '../../retention/prune.ts';
import { noPayload, type TaskDefinition } from '../types.ts';

declare module '../../db/queue.ts' {
  interface JobPayloads {
    prune_retention: Record<string, never>;
  }
}

/** Every org's expired data, in small batches (see docs/retention.md). */
export const pruneRetention: TaskDefinition<'prune_retention'> = {
  name: 'prune_retention',
  schema: noPayload,
  cron: '*/10 * * * *',
  async run(_payload, ctx) {
    const r = await pruneExpired(ctx.db.owner, { pauseMs: 20 });
    const total = Object.values(r.pruned).reduce((a, b) => a + b, 0);
    if (total) ctx.log.info({ pruned: r.pruned }, 'pruned expired data');
  },
};
