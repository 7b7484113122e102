import { withOrgTx } from '../../db/tx.ts';
import { fanOutEvent } from '../../webhooks/outbound/fanout.ts';
import { defineTask, uuidFields } from '../define.ts';

declare module '../../db/queue.ts' {
  interface JobPayloads {
    fanout_event: { org_id: string; event_id: string };
  }
}

/** Turns one recorded event into a delivery (and its job) per matching webhook endpoint. */
export const fanoutEvent = defineTask('fanout_event', uuidFields('org_id', 'event_id'), {
  async run(p, ctx) {
    const n = await withOrgTx(ctx.db.app, p.org_id, (c) => fanOutEvent(c, p.org_id, p.event_id));
    if (n > 0) ctx.log.debug({ event_id: p.event_id, deliveries: n }, 'event fanned out to webhook endpoints');
  },
});
