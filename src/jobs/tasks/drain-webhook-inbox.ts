import { withOrgTx } from '../../db/tx.ts';
import { backoffDelayMs } from '../../core/retry.ts';
import { processInboxBatch, processInboxRow, type InboxRow } from '../../webhooks/ingress/process.ts';
import { recordDeadLetter } from '../dead-letter.ts';
import { enqueue } from '../../db/queue.ts';
import { defineTask, uuidFields } from '../define.ts';

declare module '../../db/queue.ts' {
  interface JobPayloads {
    drain_webhook_inbox: { org_id: string };
  }
}

const BATCH = 200;
const MAX_BATCHES = 20;
export const INBOX_MAX_ATTEMPTS = 8;
const BACKOFF = { baseMs: 2_000, maxMs: 30 * 60_000 };

/**
 * Processes an org's due inbox rows in batches of 200, one transaction per batch, each row
 * behind a savepoint: a failing event is retried later with backoff (and after 8 attempts
 * moved to the dead letters, from where `process_webhook` replays it) without holding back
 * the others. Rows are claimed with SKIP LOCKED, so concurrent drains never double-process.
 */
export const drainWebhookInbox = defineTask('drain_webhook_inbox', uuidFields('org_id'), {
  async run(p, ctx) {
    const claim = (c: Parameters<typeof processInboxBatch>[0]) =>
      c.query<InboxRow>(
        `select id, provider, connection_id, topic, payload, status, attempts from webhook_inbox
         where org_id = $1 and status = 'received' and next_attempt_at <= now()
         order by received_at limit $2 for update skip locked`,
        [p.org_id, BATCH],
      );
    for (let b = 0; b < MAX_BATCHES; b++) {
      // Fast path: the whole batch in one go. If anything in it fails, the batch is redone
      // event by event below, each behind a savepoint.
      let fast: number | undefined;
      try {
        fast = await withOrgTx(ctx.db.app, p.org_id, async (c) => {
          const { rows } = await claim(c);
          await processInboxBatch(c, p.org_id, rows);
          return rows.length;
        });
      } catch (err) {
        ctx.log.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'inbox batch failed; retrying event by event',
        );
      }
      if (fast !== undefined) {
        if (fast < BATCH) return;
        continue;
      }
      const failed: { row: InboxRow; message: string }[] = [];
      const n = await withOrgTx(ctx.db.app, p.org_id, async (c) => {
        const { rows } = await claim(c);
        const syncing = new Set<string>();
        for (const row of rows) {
          await c.query('savepoint ev');
          try {
            await processInboxRow(c, p.org_id, row, syncing);
            await c.query('release savepoint ev');
          } catch (err) {
            await c.query('rollback to savepoint ev');
            const message = err instanceof Error ? err.message.slice(0, 500) : String(err);
            const attempts = row.attempts + 1;
            const giveUp = attempts >= INBOX_MAX_ATTEMPTS;
            await c.query(
              `update webhook_inbox set attempts = $3, last_error = $4, status = case when $5 then 'failed' else status end,
                 next_attempt_at = now() + make_interval(secs => $6) where org_id = $1 and id = $2`,
              [p.org_id, row.id, attempts, message, giveUp, backoffDelayMs(attempts, BACKOFF) / 1000],
            );
            if (giveUp) failed.push({ row, message });
          }
        }
        // Events waiting for a retry need a drain when their time comes.
        const { rows: next } = await c.query<{ at: Date | null }>(
          "select min(next_attempt_at) as at from webhook_inbox where org_id = $1 and status = 'received' and next_attempt_at > now()",
          [p.org_id],
        );
        if (next[0]?.at)
          await enqueue(
            c,
            'drain_webhook_inbox',
            { org_id: p.org_id },
            { runAt: next[0].at, jobKey: `inbox-retry:${p.org_id}` },
          );
        return rows.length;
      });
      for (const f of failed) {
        await recordDeadLetter(ctx.db.owner, {
          // Not a queue job: a negative id derived from the event keeps it apart from job ids.
          jobId: -Number.parseInt(f.row.id.replaceAll('-', '').slice(0, 12), 16),
          task: 'process_webhook',
          payload: { org_id: p.org_id, inbox_id: f.row.id },
          jobKey: null,
          queueName: null,
          attempts: INBOX_MAX_ATTEMPTS,
          errorCode: 'internal_error',
          errorMessage: f.message,
        });
      }
      if (n < BATCH) return;
    }
    // More than MAX_BATCHES batches waiting: hand over to a fresh job so others get a turn.
    await withOrgTx(ctx.db.app, p.org_id, (c) =>
      enqueue(c, 'drain_webhook_inbox', { org_id: p.org_id }, { jobKey: `inbox:${p.org_id}` }),
    );
  },
});
