import { AsyncLocalStorage } from 'node:async_hooks';
import { setLogContextSource } from '../core/log-context.ts';
import { activeTraceId } from '../observability/tracing.ts';
import type { OperationRecorder } from './recorder.ts';

export type OperationStatus = 'running' | 'success' | 'failed' | 'retry_scheduled';
export type MessageLevel = 'debug' | 'info' | 'warn' | 'error';

/** A platform HTTP call as the operations log keeps it (secrets already removed). */
export interface HttpMessage {
  method: string;
  path: string;
  query: Record<string, string>;
  host: string;
  status: number | null;
  duration_ms: number;
  attempt: number;
  rate_limit: Record<string, string>;
  request_id: string | null;
  error_excerpt: string | null;
  error_code: string | null;
}

/**
 * The operation the current async call chain belongs to. Platform calls, logs and nested
 * operations find it through AsyncLocalStorage, so no signature between the job runner and
 * the HTTP client has to carry it.
 */
export class OperationScope {
  private seq = 0;
  readonly counts: Record<string, number> = {};
  provider: string | undefined;
  /** Known only once the work created it (a new connection). */
  connectionId: string | undefined;
  /** Inherited by operations started inside this one. */
  actor = 'system';
  jobId: string | null = null;
  /** An outcome the work reports as a value rather than a throw (a refused connect). */
  failure: unknown;

  constructor(
    readonly recorder: OperationRecorder,
    readonly id: string,
    readonly orgId: string,
    readonly traceId: string,
    readonly attempt: number,
    provider: string | undefined,
  ) {
    this.provider = provider;
  }

  count(key: string, n = 1): void {
    this.counts[key] = (this.counts[key] ?? 0) + n;
  }

  /** Adds numeric fields of a work result (rows, pages) to the summary. */
  addCounts(values: Readonly<Record<string, unknown>>): void {
    for (const [k, v] of Object.entries(values)) if (typeof v === 'number' && Number.isFinite(v)) this.count(k, v);
  }

  log(level: MessageLevel, message: string): void {
    this.write(level, message.slice(0, 2000), null);
  }

  http(level: MessageLevel, message: string, http: HttpMessage): void {
    this.write(level, message, http);
  }

  /** The next message in the operation's sequence: an HTTP exchange when `http` is given, a log line otherwise. */
  private write(level: MessageLevel, message: string, http: HttpMessage | null): void {
    this.recorder.message({
      org_id: this.orgId,
      operation_id: this.id,
      seq: ++this.seq,
      at: new Date(),
      level,
      kind: http ? 'http' : 'log',
      message,
      http,
    });
  }
}

const storage = new AsyncLocalStorage<OperationScope>();

setLogContextSource(() => {
  const op = storage.getStore();
  const traceId = activeTraceId() ?? op?.traceId;
  if (!traceId) return undefined;
  return op ? { trace_id: traceId, operation_id: op.id } : { trace_id: traceId };
});

export function currentOperation(): OperationScope | undefined {
  return storage.getStore();
}

export function runInScope<T>(scope: OperationScope, fn: () => Promise<T>): Promise<T> {
  return storage.run(scope, fn);
}

/** Tells the current operation which platform it talks to (the first connector context built in it). */
export function noteProvider(provider: string): void {
  const op = storage.getStore();
  if (op && !op.provider) op.provider = provider;
}
