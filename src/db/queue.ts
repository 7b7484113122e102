import type { Queryable } from './pool.ts';

/**
 * Payload types by task name. Each task file in `src/jobs/tasks/` adds its own entry by
 * declaration merging, so `enqueue('name', payload)` and the task's handler share one declared
 * type. The queue primitive sits beside the database so that any layer can enqueue inside its
 * own transaction without importing the job runner.
 */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging needs an interface; task files fill it
export interface JobPayloads {}

export type TaskName = Extract<keyof JobPayloads, string>;

/** Every tenant job names its org; the enqueue functions refuse a payload for another org. */
export interface TenantPayload {
  org_id: string;
}

export interface EnqueueOptions {
  runAt?: Date;
  /** De-duplication key: a pending job with the same key is replaced, not doubled. */
  jobKey?: string;
  maxAttempts?: number;
  queueName?: string;
  priority?: number;
}

/** Tasks that sync a connection: they run in the worker's sync pool, one at a time per connection. */
export const SYNC_TASKS: ReadonlySet<string> = new Set(['sync_connection', 'sync_content']);

/**
 * A connection's syncs share one serial queue (graphile-worker runs one job of a named queue
 * at a time across all workers). With the `sync:<id>` job key, a trigger that arrives while a
 * sync runs adds one follow-up that waits in the queue, and later triggers fold into it.
 */
function withDefaults<N extends TaskName>(task: N, payload: JobPayloads[N], opts: EnqueueOptions): EnqueueOptions {
  if (!SYNC_TASKS.has(task) || opts.queueName) return opts;
  const connectionId = (payload as { connection_id?: unknown }).connection_id;
  return typeof connectionId === 'string' ? { ...opts, queueName: `conn:${connectionId}` } : opts;
}

/**
 * Adds a job inside the caller's transaction: the business write and its job commit
 * together or not at all. Works on the app role (through a SECURITY DEFINER function that
 * checks the payload's org against the transaction's) and on the owner role alike.
 */
export async function enqueue<N extends TaskName>(
  client: Queryable,
  task: N,
  payload: JobPayloads[N],
  given: EnqueueOptions = {},
): Promise<number> {
  const opts = withDefaults(task, payload, given);
  const { rows } = await client.query<{ id: number }>('select plexus_enqueue($1, $2::json, $3, $4, $5, $6, $7) as id', [
    task,
    JSON.stringify(payload),
    opts.runAt ?? null,
    opts.jobKey ?? null,
    opts.maxAttempts ?? null,
    opts.queueName ?? null,
    opts.priority ?? null,
  ]);
  return rows[0]!.id;
}

export interface JobSpec<N extends TaskName = TaskName> extends EnqueueOptions {
  task: N;
  payload: JobPayloads[N];
}

/** Many jobs in one round trip (bulk publish, fan-out), still inside the caller's transaction. */
export async function enqueueMany(client: Queryable, specs: readonly JobSpec[]): Promise<number[]> {
  if (specs.length === 0) return [];
  const body = specs
    .map((spec) => ({ ...spec, ...withDefaults(spec.task, spec.payload, spec) }))
    .map((s) => ({
      task: s.task,
      payload: s.payload,
      run_at: s.runAt?.toISOString() ?? null,
      job_key: s.jobKey ?? null,
      max_attempts: s.maxAttempts ?? null,
      queue_name: s.queueName ?? null,
      priority: s.priority ?? null,
    }));
  const { rows } = await client.query<{ id: number }>('select plexus_enqueue_many($1::jsonb) as id', [
    JSON.stringify(body),
  ]);
  return rows.map((r) => r.id);
}
