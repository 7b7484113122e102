import { z } from 'zod';
import { refreshConnection } from '../../connections/refresh.ts';
import type { TaskDefinition } from '../types.ts';
import { providerRuntime } from './runtime-deps.ts';

declare module '../../db/queue.ts' {
  interface JobPayloads {
    refresh_connection: { org_id: string; connection_id: string };
  }
}

/** Refreshes one connection's token ahead of its expiry (scheduled at `next_refresh_at`). */
export const refreshConnectionTask: TaskDefinition<'refresh_connection'> = {
  name: 'refresh_connection',
  schema: z.object({ org_id: z.string().uuid(), connection_id: z.string().uuid() }),
  // Transient platform failures back off; a token that cannot be refreshed marks the connection.
  backoff: { baseMs: 5_000, maxMs: 15 * 60_000 },
  async run(p, ctx) {
    const outcome = await refreshConnection(
      { ...providerRuntime(ctx), db: ctx.db, keyring: ctx.keyring, log: ctx.log },
      p.org_id,
      p.connection_id,
    );
    ctx.log.debug({ connection_id: p.connection_id, outcome }, 'refresh');
  },
};
