import { EventEmitter } from 'node:events';
import {
  Logger as WorkerLogger,
  parseCronItems,
  run,
  type Runner,
  type Task,
  type TaskList,
  type WorkerEvents,
} from 'graphile-worker';
import { retryClassOf, isPlexusError } from '../core/errors.ts';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import { backoffDelayMs, DEFAULT_BACKOFF } from '../core/retry.ts';
import type { Database } from '../db/database.ts';
import type { ProviderRuntime } from '../providers/context.ts';
import type { Keyring } from '../vault/keyring.ts';
import { recordDeadLetter } from './dead-letter.ts';
import { runJobAsOperation, type JobInfo } from '../operations/job-operation.ts';
import { recorderFor } from '../operations/recorder.ts';
import { jobOutcomes, platformBackoffSeconds } from '../observability/platform-metrics.ts';
import { describeFailure } from './failure.ts';
import { ATTEMPT_FIELD, ORIGIN_FIELD, type TaskContext, type TaskDefinition } from './types.ts';
import { acquireLease, FencedError, runFenced, type Fence, type Liveness } from '../db/fence.ts';
import { startHeartbeat, type Heartbeat } from './heartbeat.ts';
import { JobsInHand } from './in-hand.ts';
import { guardDatabaseRejections } from '../db/outage.ts';
import { SYNC_TASKS } from '../db/queue.ts';

export interface WorkerOptions {
  db: Database;
  keyring: Keyring;
  log: Logger;
  clock: Clock;
  tasks: readonly TaskDefinition[];
  concurrency: number;
  pollIntervalMs: number;
  heartbeatMs: number;
  staleAfterMs: number;
  maxAttempts: number;
  /** Slots of the pool that runs syncs (default: half of `concurrency`, at least 1). */
  syncConcurrency?: number;
  /** How long `stop()` lets running jobs finish before it releases them (default 20 s). */
  shutdownGraceMs?: number;
  providers?: ProviderRuntime;
}

export interface WorkerHandle {
  runner: Runner;
  heartbeat: Heartbeat;
  /** Stops taking jobs, lets running ones finish within the grace period, then releases the rest to other workers. */
  stop(): Promise<void>;
}

interface WrapDeps extends Omit<WorkerOptions, 'tasks'> {
  inHand?: JobsInHand;
  workerIds?: () => string[];
  liveness?: Liveness;
  nodeId?: string;
}

type RawPayload = Record<string, unknown>;

/**
 * Wraps a task so that Plexus, not graphile-worker's fixed formula, decides what a failure
 * means: a permanent error or exhausted attempts move the job to the dead letters; a
 * retryable one is re-added with run_at from the error's own delay (a platform's
 * Retry-After) or jittered exponential backoff. The handler therefore always "succeeds"
 * from graphile-worker's view, and its native retries only cover crashes of this wrapper.
 * A task with a `lease` runs fenced (db/fence.ts): a runner that lost its lease, or whose process
 * went silent, stops at its next side effect and does not complete a job someone else now runs.
 */
export function wrapTask(def: TaskDefinition, opts: WrapDeps): Task {
  return async (raw, helpers) => {
    opts.inHand?.start(helpers.job.id);
    try {
      await runWrapped(def, opts, raw, helpers);
    } finally {
      opts.inHand?.settle(helpers.job.id);
    }
  };
}

async function runWrapped(
  def: TaskDefinition,
  opts: WrapDeps,
  raw: unknown,
  helpers: Parameters<Task>[1],
): Promise<void> {
  const payload = (raw ?? {}) as RawPayload;
  const attempt = typeof payload[ATTEMPT_FIELD] === 'number' ? payload[ATTEMPT_FIELD] : 1;
  const job = helpers.job;
  const originId = typeof payload[ORIGIN_FIELD] === 'string' ? payload[ORIGIN_FIELD] : String(job.id);
  // A child logger per job is only built when something is logged: the happy path stays cheap.
  let childLog: Logger | undefined;
  const log = () => (childLog ??= opts.log.child({ task: def.name, job_id: job.id, attempt }));
  const maxAttempts = def.maxAttempts ?? opts.maxAttempts;
  const deadLetter = (code: string, message: string) =>
    recordDeadLetter(opts.db.owner, {
      jobId: job.id,
      task: def.name,
      payload: { ...payload, [ORIGIN_FIELD]: originId },
      jobKey: job.key,
      queueName: (job as { queue_name?: string | null }).queue_name ?? null,
      attempts: attempt,
      errorCode: code,
      errorMessage: message,
    });

  const parsed = def.schema.safeParse(payload);
  if (!parsed.success) {
    log().error({ issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'job payload invalid; dead-lettered');
    await deadLetter(
      'job.invalid_payload',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
    return;
  }
  const ctx: TaskContext = {
    db: opts.db,
    keyring: opts.keyring,
    get log() {
      return log();
    },
    clock: opts.clock,
    job: { id: job.id, attempt, key: job.key, originId },
    ...(opts.providers ? { providers: opts.providers } : {}),
  };
  const info: JobInfo = { task: def.name, jobId: job.id, attempt, maxAttempts, payload, runs: job.attempts };
  const queueName = (job as { queue_name?: string | null }).queue_name ?? null;
  const again = (runAt: Date, nextAttempt: number) =>
    opts.db.owner.query('select graphile_worker.add_job($1, $2::json, queue_name => $3, run_at => $4, job_key => $5)', [
      def.name,
      JSON.stringify({ ...payload, [ATTEMPT_FIELD]: nextAttempt, [ORIGIN_FIELD]: originId }),
      queueName,
      runAt,
      job.key,
    ]);
  try {
    const resource = def.lease?.(parsed.data);
    const fence: Fence = {
      resource: resource ?? null,
      generation: resource ? await acquireLease(opts.db.owner, resource, `${opts.nodeId ?? 'local'}/${job.id}`) : 0,
      liveness: opts.liveness ?? null,
      epoch: opts.liveness?.epoch() ?? 0,
    };
    await runJobAsOperation(opts.db.owner, opts.log, info, () => runFenced(fence, () => def.run(parsed.data, ctx)));
    jobOutcomes.inc({ task: def.name, outcome: 'success' });
  } catch (err) {
    if (err instanceof FencedError) {
      // Another runner may have this job now. If it is still ours (nobody took it while this
      // process was silent), run it afresh; otherwise fail it, which graphile-worker only
      // records while the job is still locked by us, so the other runner's row is untouched.
      const { rows } = await opts.db.owner.query<{ mine: boolean }>(
        'select locked_by = any($2::text[]) as mine from graphile_worker.jobs where id = $1',
        [job.id, opts.workerIds?.() ?? []],
      );
      log().warn({ err: err.message, still_ours: rows[0]?.mine === true }, 'job fenced; it stops here');
      jobOutcomes.inc({ task: def.name, outcome: 'fenced' });
      if (rows[0]?.mine) {
        await again(opts.clock.now(), attempt);
        return;
      }
      throw err;
    }
    const failure = describeFailure(err);
    const { code, message } = failure;
    const final = retryClassOf(err) === 'permanent' || attempt >= maxAttempts;
    // What failed, for whom and why, on every attempt (redacted: the logger scrubs secret keys,
    // describeFailure scrubs tokens written into messages).
    const data = parsed.data as { org_id?: string; connection_id?: string };
    const who = { org_id: data.org_id, connection_id: data.connection_id, origin_job_id: originId };
    // The record the job works on shows the error now; a dead job's record ends with it.
    await def
      .onFailure?.(parsed.data, ctx, { code, message, attempt, final })
      .catch((hookErr: unknown) =>
        log().error({ ...who, err: describeFailure(hookErr) }, 'recording a job failure on its record failed'),
      );
    if (final) {
      log().warn(
        { ...who, code, error: message, cause: failure.cause, retryable: retryClassOf(err) !== 'permanent' },
        'job failed for good; dead-lettered',
      );
      await deadLetter(code, message);
      jobOutcomes.inc({ task: def.name, outcome: 'dead_letter' });
      return;
    }
    const explicit = isPlexusError(err) ? err.retryAfterMs : undefined;
    const delayMs = explicit ?? backoffDelayMs(attempt, def.backoff ?? DEFAULT_BACKOFF);
    const runAt = new Date(opts.clock.now().getTime() + delayMs);
    log().warn(
      { ...who, code, error: message, cause: failure.cause, delay_ms: delayMs },
      'job failed; retry scheduled',
    );
    jobOutcomes.inc({ task: def.name, outcome: 'retry' });
    if (code === 'provider.rate_limited' || code === 'provider.unavailable' || code === 'provider.timeout') {
      platformBackoffSeconds.inc(
        { provider: info.provider ?? 'unknown', reason: code.slice('provider.'.length) },
        delayMs / 1000,
      );
    }
    await again(runAt, attempt + 1);
  }
}

/**
 * Starts graphile-worker with Plexus's tasks, cron items and heartbeat on the owner pool. Syncs
 * run in a pool of their own (`syncConcurrency` slots) beside the pool for everything else, so
 * a burst of syncs never holds back inbound events, nor the reverse.
 */
export async function startWorker(opts: WorkerOptions): Promise<WorkerHandle> {
  guardDatabaseRejections(opts.log);
  const workerIds = new Set<string>();
  const inHand = new JobsInHand(Math.max(5_000, opts.staleAfterMs));
  const heartbeat = startHeartbeat({
    owner: opts.db.owner,
    log: opts.log,
    intervalMs: opts.heartbeatMs,
    staleAfterMs: opts.staleAfterMs,
    workerIds: () => [...workerIds],
    inHand,
  });
  const wrapDeps: WrapDeps = {
    ...opts,
    inHand,
    liveness: heartbeat,
    nodeId: heartbeat.nodeId,
    workerIds: () => [...workerIds],
  };
  const general: TaskList = {};
  const syncs: TaskList = {};
  for (const def of opts.tasks) (SYNC_TASKS.has(def.name) ? syncs : general)[def.name] = wrapTask(def, wrapDeps);
  const cronItems = parseCronItems(
    opts.tasks
      .filter((t) => t.cron)
      .map((t) => ({
        task: t.name,
        match: t.cron!,
        identifier: t.name,
        options: { backfillPeriod: 0, jobKey: `cron:${t.name}`, queueName: undefined as never },
      })),
  );
  // Workers are created inside run(), so the listener must exist before it is called.
  const events: WorkerEvents = new EventEmitter();
  events.on('worker:create', ({ worker }) => {
    workerIds.add(worker.workerId);
    void heartbeat.beat();
  });
  // graphile-worker 0.17 locks jobs with the pool's id, not the worker's: without it a live
  // process's job running longer than the stale window would be unlocked and run twice.
  events.on('pool:create', ({ workerPool }) => {
    workerIds.add(workerPool.id);
    void heartbeat.beat();
  });
  const wlog = opts.log.child({ component: 'graphile-worker' });
  const logger = new WorkerLogger((scope) => (level, message, meta) => {
    const fn = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    wlog[fn]({ scope, ...meta }, message);
  });
  const common = { pgPool: opts.db.owner, pollInterval: opts.pollIntervalMs, noHandleSignals: true, events, logger };
  const runners: Runner[] = [];
  try {
    runners.push(
      await run({ ...common, taskList: general, parsedCronItems: cronItems, concurrency: opts.concurrency }),
    );
    if (Object.keys(syncs).length)
      runners.push(
        await run({
          ...common,
          taskList: syncs,
          parsedCronItems: [],
          concurrency: opts.syncConcurrency ?? Math.max(1, Math.floor(opts.concurrency / 2)),
        }),
      );
  } catch (err) {
    await Promise.allSettled(runners.map((r) => r.stop()));
    await heartbeat.stop();
    throw err;
  }
  await heartbeat.beat();
  const graceMs = opts.shutdownGraceMs ?? 20_000;
  return {
    runner: runners[0]!,
    heartbeat,
    async stop() {
      // graphile-worker's graceful stop waits for running jobs however long they take.
      const stopped = Promise.allSettled(runners.map((r) => r.stop()));
      let timer: NodeJS.Timeout | undefined;
      const late = await Promise.race([
        stopped.then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs))),
      ]);
      clearTimeout(timer);
      if (late) {
        const released = await releaseJobs(opts.db.owner, [...workerIds]).catch(() => 0);
        opts.log.warn(
          { released, grace_ms: graceMs },
          'jobs still running after the grace period; released to other workers',
        );
      }
      await heartbeat.stop();
      await recorderFor(opts.db.owner, opts.log).close();
    },
  };
}

/** Unlocks every job (and queue) locked by these workers, to run again elsewhere at once. */
async function releaseJobs(owner: WorkerOptions['db']['owner'], workerIds: string[]): Promise<number> {
  // The count reads the statement's snapshot, taken before the function unlocks anything.
  const { rows } = await owner.query<{ n: number }>(
    `select (select count(*)::int from graphile_worker.jobs where locked_by = any($1::text[])) as n,
            graphile_worker.force_unlock_workers($1::text[])`,
    [workerIds],
  );
  return rows[0]?.n ?? 0;
}
