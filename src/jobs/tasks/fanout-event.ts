import { z } from 'zod';
import { withOrgTx } from '../../db/tx.ts';
import { fanOutEvent } from '../../webhooks/outbound/fanout.ts';
import type { TaskDefinition } from '../types.ts';

declare module '../../db/queue.ts' {
  interface JobPayloads {
    fanout_event: { org_id: string; event_id: string };
  }
}

/** Turns one recorded event into a delivery (and its job) per matching webhook endpoint. */
export const fanoutEvent: TaskDefinition<'fanout_event'> = {
  name: 'fanout_event',
  schema: z.object({ org_id: z.string().uuid(), event_id: z.string().uuid() }),
  async run(p, ctx) {
    const n = await withOrgTx(ctx.db.app, p.org_id, (c) => fanOutEvent(c, p.org_id, p.event_id));
    if (n > 0) ctx.log.debug({ event_id: p.event_id, deliveries: n }, 'event fanned out to webhook endpoints');
  },
};
