import type { Logger } from '../core/logger.ts';
import type { Pool } from '../db/pool.ts';
import type { HttpMessage, MessageLevel, OperationStatus } from './context.ts';

export interface OperationRow {
  org_id: string;
  id: string;
  parent_id: string | null;
  type: string;
  connection_id: string | null;
  provider: string | null;
  actor: string;
  status: OperationStatus;
  started_at: Date;
  ended_at: Date | null;
  summary: Record<string, number>;
  error_code: string | null;
  error_message: string | null;
  job_id: string | null;
  attempt: number | null;
  trace_id: string;
}

export interface MessageRow {
  org_id: string;
  operation_id: string;
  seq: number;
  at: Date;
  level: MessageLevel;
  kind: 'log' | 'http';
  message: string;
  http: HttpMessage | null;
}

const FLUSH_MS = 200;
const MAX_BATCH = 1000;
// Past this many rows waiting (PostgreSQL down), the oldest messages are dropped, never the work.
const MAX_PENDING = 50_000;

/**
 * Buffers operation rows and messages in memory and writes them in batches: one transaction
 * per flush, an upsert per operation (its latest state wins) and one multi-row insert of
 * messages. Hot paths only push to arrays; a timer (or a full batch) flushes. Recording never
 * fails the work: a failed flush keeps the rows for the next one, within a bound.
 */
export class OperationRecorder {
  private ops = new Map<string, OperationRow>();
  private msgs: MessageRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private dropped = 0;

  constructor(
    private readonly pool: Pool,
    private readonly log?: Logger,
  ) {}

  upsert(row: OperationRow): void {
    this.ops.set(`${row.org_id}:${row.id}`, { ...row, summary: { ...row.summary } });
    this.schedule();
  }

  message(row: MessageRow): void {
    if (this.msgs.length >= MAX_PENDING) {
      this.msgs.shift();
      this.dropped++;
    }
    this.msgs.push(row);
    if (this.msgs.length >= MAX_BATCH) void this.flush();
    else this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_MS);
    this.timer.unref();
  }

  /** Writes everything buffered so far (waits for a flush already running first). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (!this.ops.size && !this.msgs.length) return;
    const ops = [...this.ops.values()];
    const msgs = this.msgs;
    this.ops = new Map();
    this.msgs = [];
    this.flushing = this.write(ops, msgs)
      .catch((err: unknown) => {
        // Put them back (newer states of the same operation win) and try again later.
        for (const o of ops) if (!this.ops.has(`${o.org_id}:${o.id}`)) this.ops.set(`${o.org_id}:${o.id}`, o);
        this.msgs = [...msgs, ...this.msgs].slice(-MAX_PENDING);
        this.log?.warn(
          { err, operations: ops.length, messages: msgs.length },
          'operations log write failed; will retry',
        );
        this.schedule();
      })
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
    if (this.dropped) {
      this.log?.warn({ dropped: this.dropped }, 'operations log messages dropped while the database was unavailable');
      this.dropped = 0;
    }
  }

  /**
   * One transaction for the flush, written out rather than through withTx: the log is the
   * trace's own bookkeeping, and a flush timer started inside a span must not add a span to it.
   */
  private async write(ops: OperationRow[], msgs: MessageRow[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      if (ops.length) {
        await client.query(
          `insert into operations (org_id, id, parent_id, type, connection_id, provider, actor, status, started_at, ended_at, summary, error_code, error_message, job_id, attempt, trace_id)
           select * from jsonb_to_recordset($1::jsonb) as r(org_id uuid, id uuid, parent_id uuid, type text, connection_id uuid, provider text, actor text, status text,
             started_at timestamptz, ended_at timestamptz, summary jsonb, error_code text, error_message text, job_id text, attempt int, trace_id text)
           where exists (select 1 from orgs where orgs.id = r.org_id)
           on conflict (org_id, id) do update set status = excluded.status, ended_at = excluded.ended_at, summary = excluded.summary,
             provider = coalesce(excluded.provider, operations.provider), connection_id = coalesce(excluded.connection_id, operations.connection_id), error_code = excluded.error_code, error_message = excluded.error_message`,
          [JSON.stringify(ops)],
        );
      }
      if (msgs.length) {
        await client.query(
          `insert into operation_messages (org_id, operation_id, seq, at, level, kind, message, http)
           select * from jsonb_to_recordset($1::jsonb) as r(org_id uuid, operation_id uuid, seq int, at timestamptz, level text, kind text, message text, http jsonb)
           where exists (select 1 from orgs where orgs.id = r.org_id)
           on conflict do nothing`,
          [JSON.stringify(msgs)],
        );
      }
      await client.query('commit');
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

const recorders = new WeakMap<Pool, OperationRecorder>();

/** One recorder per database (the owner pool), shared by every part of a process. */
export function recorderFor(pool: Pool, log?: Logger): OperationRecorder {
  let r = recorders.get(pool);
  if (!r) {
    r = new OperationRecorder(pool, log);
    recorders.set(pool, r);
  }
  return r;
}
