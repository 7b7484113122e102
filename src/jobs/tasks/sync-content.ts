import { z } from 'zod';
import { syncContent } from '../../sync/content/poll.ts';
import { defineTask } from '../define.ts';
import { platformDeps } from './runtime-deps.ts';

declare module '../../db/queue.ts' {
  interface JobPayloads {
    sync_content: { org_id: string; connection_id: string; target_ids?: string[] | undefined };
  }
}

const payload = z.object({
  org_id: z.string().uuid(),
  connection_id: z.string().uuid(),
  target_ids: z.array(z.string().uuid()).optional(),
});

/** Syncs chosen items on one site at once (after a hub edit or a conflict resolution), without a full poll. */
export const syncContentTask = defineTask('sync_content', payload, {
  lease: (p) => `sync:${p.connection_id}`,
  async run(p, ctx) {
    await syncContent(platformDeps(ctx), p.org_id, p.connection_id, p.target_ids);
  },
});
