import { noPayload, type TaskDefinition } from '../types.ts';

declare module '../../db/queue.ts' {
  interface JobPayloads {
    prune_dead_letters: Record<string, never>;
  }
}

/** Replayed dead letters are history after 30 days; unreplayed ones stay until someone acts. */
export const pruneDeadLetters: TaskDefinition<'prune_dead_letters'> = {
  name: 'prune_dead_letters',
  schema: noPayload,
  cron: '17 3 * * *',
  async run(_payload, ctx) {
    const { rowCount } = await ctx.db.owner.query(
      "delete from dead_letters where replayed_at < now() - interval '30 days'",
    );
    if (rowCount) ctx.log.info({ deleted: rowCount }, 'pruned replayed dead letters');
  },
};
