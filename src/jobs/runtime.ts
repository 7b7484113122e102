import { EventEmitter } from 'node:events';
import { Logger as WorkerLogger, parseCronItems, run, type Runner, type Task, type TaskList, type WorkerEvents } from 'graphile-worker';
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
import { startHeartbeat, type Heartbeat } from './heartbeat.ts';
import { describeFailure } from './failure.ts';
import { ATTEMPT_FIELD, ORIGIN_FIELD, type TaskContext, type TaskDefinition } from './types.ts';

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
  providers?: ProviderRuntime;
}

export interface WorkerHandle {
  runner: Runner;
  heartbeat: Heartbeat;
  stop(): Promise<void>;
}

type RawPayload = Record<string, unknown>;

/**
 * Wraps a task so that Plexus, not graphile-worker's fixed formula, decides what a failure
 * means: a permanent error or exhausted attempts move the job to the dead letters; a
 * retryable one is re-added with run_at from the error's own delay (a platform's
 * Retry-After) or jittered exponential backoff. The handler therefore always "succeeds"
 * from graphile-worker's view, and its native retries only cover crashes of this wrapper.
 */
export function wrapTask(def: TaskDefinition, opts: Omit<WorkerOptions, 'tasks'>): Task {
  return async (raw, helpers) => {
    const payload = (raw ?? {}) as RawPayload;
    const attempt = typeof payload[ATTEMPT_FIELD] === 'number' ? (payload[ATTEMPT_FIELD] as number) : 1;
    const job = helpers.job;
    const originId = typeof payload[ORIGIN_FIELD] === 'string' ? (payload[ORIGIN_FIELD] as string) : String(job.id);
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
      await deadLetter('job.invalid_payload', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      return;
    }
    const ctx: TaskContext = { db: opts.db, keyring: opts.keyring, get log() { return log(); }, clock: opts.clock, job: { id: job.id, attempt, key: job.key, originId }, ...(opts.providers ? { providers: opts.providers } : {}) };
    const info: JobInfo = { task: def.name, jobId: job.id, attempt, maxAttempts, payload, runs: job.attempts };
    try {
      await runJobAsOperation(opts.db.owner, opts.log, info, () => def.run(parsed.data, ctx));
      jobOutcomes.inc({ task: def.name, outcome: 'success' });
    } catch (err) {
      const failure = describeFailure(err);
      const { code, message } = failure;
      const final = retryClassOf(err) === 'permanent' || attempt >= maxAttempts;
      // What failed, for whom and why, on every attempt (redacted: the logger scrubs secret keys,
      // describeFailure scrubs tokens written into messages).
      const data = parsed.data as { org_id?: string; connection_id?: string };
      const who = { org_id: data.org_id, connection_id: data.connection_id, origin_job_id: originId };
      // The record the job works on shows the error now; a dead job's record ends with it.
      await def.onFailure?.(parsed.data as never, ctx, { code, message, attempt, final }).catch((hookErr: unknown) => log().error({ ...who, err: describeFailure(hookErr) }, 'recording a job failure on its record failed'));
      if (final) {
        log().warn({ ...who, code, error: message, cause: failure.cause, retryable: retryClassOf(err) !== 'permanent' }, 'job failed for good; dead-lettered');
        await deadLetter(code, message);
        jobOutcomes.inc({ task: def.name, outcome: 'dead_letter' });
        return;
      }
      const explicit = isPlexusError(err) ? err.retryAfterMs : undefined;
      const delayMs = explicit ?? backoffDelayMs(attempt, def.backoff ?? DEFAULT_BACKOFF);
      const runAt = new Date(opts.clock.now().getTime() + delayMs);
      log().warn({ ...who, code, error: message, cause: failure.cause, delay_ms: delayMs }, 'job failed; retry scheduled');
      jobOutcomes.inc({ task: def.name, outcome: 'retry' });
      if (code === 'provider.rate_limited' || code === 'provider.unavailable' || code === 'provider.timeout') {
        platformBackoffSeconds.inc({ provider: info.provider ?? 'unknown', reason: code.slice('provider.'.length) }, delayMs / 1000);
      }
      await opts.db.owner.query('select graphile_worker.add_job($1, $2::json, queue_name => $3, run_at => $4, job_key => $5)', [
        def.name,
        JSON.stringify({ ...payload, [ATTEMPT_FIELD]: attempt + 1, [ORIGIN_FIELD]: originId }),
        (job as { queue_name?: string | null }).queue_name ?? null,
        runAt,
        job.key,
      ]);
    }
  };
}

/** Starts graphile-worker with Plexus's tasks, cron items and heartbeat on the owner pool. */
export async function startWorker(opts: WorkerOptions): Promise<WorkerHandle> {
  const taskList: TaskList = {};
  for (const def of opts.tasks) taskList[def.name] = wrapTask(def, opts);
  const cronItems = parseCronItems(
    opts.tasks
      .filter((t) => t.cron)
      .map((t) => ({ task: t.name, match: t.cron!, identifier: t.name, options: { backfillPeriod: 0, jobKey: `cron:${t.name}`, queueName: undefined as never } })),
  );
  const workerIds = new Set<string>();
  const heartbeat = startHeartbeat({
    owner: opts.db.owner,
    log: opts.log,
    intervalMs: opts.heartbeatMs,
    staleAfterMs: opts.staleAfterMs,
    workerIds: () => [...workerIds],
  });
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
  let runner: Runner;
  try {
    runner = await run({
      pgPool: opts.db.owner,
      taskList,
      parsedCronItems: cronItems,
      concurrency: opts.concurrency,
      pollInterval: opts.pollIntervalMs,
      noHandleSignals: true,
      events,
      logger: new WorkerLogger((scope) => (level, message, meta) => {
        const fn = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
        wlog[fn]({ scope, ...meta }, message);
      }),
    });
  } catch (err) {
    await heartbeat.stop();
    throw err;
  }
  await heartbeat.beat();
  return {
    runner,
    heartbeat,
    async stop() {
      await runner.stop();
      await heartbeat.stop();
      await recorderFor(opts.db.owner, opts.log).close();
    },
  };
}
