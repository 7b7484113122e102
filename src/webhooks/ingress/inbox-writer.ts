import type { Pool } from '../../db/pool.ts';
import { wakeDrain } from './wake.ts';

export interface InboxItem {
  provider: string;
  connectionId: string | null;
  dedupeKey: string;
  topic: string;
  accountRef: string | null;
  payload: unknown;
  /** The payload's JSON text when it is the verified body itself: no need to serialise it again. */
  payloadJson?: string;
}

interface Pending {
  items: InboxItem[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Writes verified events to the inbox, committing concurrent requests together: while one
 * transaction is in flight, new arrivals queue and go into the next one. A request's promise
 * resolves only after the transaction holding its events (inbox rows and processing jobs)
 * committed, so a 2xx is never sent for something a crash could lose; and an idle writer
 * flushes at once, so batching adds no latency at low load.
 */
export class InboxWriter {
  private queue: Pending[] = [];
  private inFlight = 0;
  /** Orgs with a wake-up in flight, and those that need another when it lands. */
  private waking = new Set<string>();
  private again = new Set<string>();

  constructor(
    private readonly owner: Pool,
    private readonly opts: { maxBatch?: number; maxConcurrent?: number } = {},
  ) {}

  write(items: InboxItem[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    const maxConcurrent = this.opts.maxConcurrent ?? 4;
    const maxBatch = this.opts.maxBatch ?? 500;
    while (this.inFlight < maxConcurrent && this.queue.length) {
      const batch: Pending[] = [];
      let n = 0;
      while (this.queue.length && n < maxBatch) {
        const p = this.queue.shift()!;
        batch.push(p);
        n += p.items.length;
      }
      this.inFlight++;
      this.flush(batch)
        .then(() => batch.forEach((p) => p.resolve()))
        // One bad event (say a \u0000 jsonb refuses) must not fail the requests batched with
        // it: on error each request is written alone, and only the bad one fails.
        .catch(async (err: unknown) => {
          if (batch.length === 1) return batch[0]!.reject(err);
          await Promise.all(batch.map((p) => this.flush([p]).then(p.resolve, p.reject)));
        })
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    // The JSON array is assembled by hand so a payload that is the verified body goes in as
    // its own text instead of being parsed and serialised again.
    const parts: string[] = [];
    for (const p of batch) {
      for (const it of p.items) {
        const head = JSON.stringify({
          provider: it.provider,
          connection_id: it.connectionId,
          dedupe_key: it.dedupeKey,
          topic: it.topic,
          account_ref: it.accountRef,
        });
        parts.push(`${head.slice(0, -1)},"payload":${it.payloadJson ?? JSON.stringify(it.payload ?? null)}}`);
      }
    }
    // One statement, atomic on its own: routing and insert (duplicates skipped).
    const { rows } = await this.owner.query<{ orgs: string[] }>('select plexus_inbox_accept($1::jsonb) as orgs', [
      `[${parts.join(',')}]`,
    ]);
    for (const org of rows[0]?.orgs ?? []) this.wake(org);
  }

  /** At most one wake-up per org in flight; arrivals meanwhile get exactly one more. */
  private wake(org: string): void {
    if (this.waking.has(org)) {
      this.again.add(org);
      return;
    }
    this.waking.add(org);
    wakeDrain(this.owner, org)
      .catch(() => undefined) // the stranded-inbox scan makes up for it
      .finally(() => {
        this.waking.delete(org);
        if (this.again.delete(org)) this.wake(org);
      });
  }
}
