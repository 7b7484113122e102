import { withOrgTx } from '../../db/tx.ts';
import { processInboxRow, type InboxRow } from '../../webhooks/ingress/process.ts';
import { defineTask, uuidFields } from '../define.ts';

declare module '../../db/queue.ts' {
  interface JobPayloads {
    process_webhook: { org_id: string; inbox_id: string };
  }
}

/**
 * One inbound event, by id: how a dead-lettered event is replayed (the drain task handles the
 * normal flow in batches). An event already processed is skipped.
 */
export const processWebhook = defineTask('process_webhook', uuidFields('org_id', 'inbox_id'), {
  maxAttempts: 8,
  backoff: { baseMs: 2_000, maxMs: 30 * 60_000 },
  async run(p, ctx) {
    await withOrgTx(ctx.db.app, p.org_id, async (c) => {
      const { rows } = await c.query<InboxRow>(
        'select id, provider, connection_id, topic, payload, status, attempts from webhook_inbox where org_id = $1 and id = $2 for update',
        [p.org_id, p.inbox_id],
      );
      const row = rows[0];
      if (!row || row.status === 'processed') return;
      await processInboxRow(c, p.org_id, row);
    });
  },
});
