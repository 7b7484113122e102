import { wakeStrandedInboxes } from '../../webhooks/ingress/wake.ts';
import { scheduledTask } from '../define.ts';

declare module '../../db/queue.ts' {
  interface JobPayloads {
    wake_stranded_inboxes: Record<string, never>;
  }
}

/** Every minute: inbox events waiting over 30 s with no drain pending get one (lost wake-ups, crashes). */
export const wakeStranded = scheduledTask('wake_stranded_inboxes', '* * * * *', async (ctx) => {
  const n = await wakeStrandedInboxes(ctx.db.owner, 30);
  if (n) ctx.log.warn({ orgs: n }, 'woke stranded webhook inboxes');
});
