import { scheduledTask } from '../define.ts';

declare module '../../db/queue.ts' {
  interface JobPayloads {
    prune_dead_letters: Record<string, never>;
  }
}

/** Replayed dead letters are history after 30 days; unreplayed ones stay until someone acts. */
export const pruneDeadLetters = scheduledTask('prune_dead_letters', '17 3 * * *', async (ctx) => {
  const { rowCount } = await ctx.db.owner.query(
    "delete from dead_letters where replayed_at < now() - interval '30 days'",
  );
  if (rowCount) ctx.log.info({ deleted: rowCount }, 'pruned replayed dead letters');
});
