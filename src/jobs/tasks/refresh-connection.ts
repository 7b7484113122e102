import { refreshConnection } from '../../connections/refresh.ts';
import { defineTask, uuidFields } from '../define.ts';
import { platformDeps } from './runtime-deps.ts';

declare module '../../db/queue.ts' {
  interface JobPayloads {
    refresh_connection: { org_id: string; connection_id: string };
  }
}

/** Refreshes one connection's token ahead of its expiry (scheduled at `next_refresh_at`). */
export const refreshConnectionTask = defineTask('refresh_connection', uuidFields('org_id', 'connection_id'), {
  // Transient platform failures back off; a token that cannot be refreshed marks the connection.
  backoff: { baseMs: 5_000, maxMs: 15 * 60_000 },
  async run(p, ctx) {
    const outcome = await refreshConnection(platformDeps(ctx), p.org_id, p.connection_id);
    ctx.log.debug({ connection_id: p.connection_id, outcome }, 'refresh');
  },
});
