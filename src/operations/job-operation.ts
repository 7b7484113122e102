import { retryClassOf } from '../core/errors.ts';
import type { Pool } from '../db/pool.ts';
import type { Logger } from '../core/logger.ts';
import type { OperationType } from './kinds.ts';
import { recorderFor } from './recorder.ts';
import { withOperation } from './run.ts';

/** The operation type each tenant task records; tasks not listed record none (system scans). */
const TYPES: Readonly<Record<string, OperationType>> = {
  sync_connection: 'sync',
  sync_content: 'content_sync',
  process_webhook: 'webhook',
  drain_webhook_inbox: 'webhook',
  subscribe_webhooks: 'webhook_subscribe',
  publish_batch: 'publish',
  rollback_batch: 'publish_rollback',
  deliver_webhook: 'delivery',
  fanout_event: 'event_fanout',
};

export interface JobInfo {
  task: string;
  jobId: string;
  attempt: number;
  maxAttempts: number;
  payload: Readonly<Record<string, unknown>>;
  /** graphile-worker's own attempt count: above 1, an earlier run of this job died mid-way. */
  runs?: number;
  /** Set once the job ran: the platform its operation talked to, for back-off metrics. */
  provider?: string;
}

/**
 * Runs a job as an operation when it belongs to an org (its payload names one) and its task
 * is a unit of work worth logging; otherwise runs it as is. A failed attempt that will be
 * retried is recorded as `retry_scheduled`, the last one as `failed`.
 */
export async function runJobAsOperation<T>(owner: Pool, log: Logger, job: JobInfo, fn: () => Promise<T>): Promise<T> {
  const type = TYPES[job.task];
  const orgId = job.payload.org_id;
  if (!type || typeof orgId !== 'string') return fn();
  // A worker that died (SIGKILL, lost host) left its operation running: end it before the rerun.
  if ((job.runs ?? 1) > 1) {
    await owner
      .query(
        `update operations set status = 'failed', ended_at = now(), error_code = 'job.worker_lost',
           error_message = 'The worker running this operation stopped before it finished; the job ran again.'
         where org_id = $1 and job_id = $2 and status = 'running'`,
        [orgId, job.jobId],
      )
      .catch((err: unknown) => log.warn({ err }, 'could not close the operation of a lost worker'));
  }
  const connectionId = typeof job.payload.connection_id === 'string' ? job.payload.connection_id : null;
  return withOperation(
    recorderFor(owner, log),
    {
      orgId,
      type,
      connectionId,
      actor: `job:${job.task}`,
      jobId: job.jobId,
      attempt: job.attempt,
      failedStatus: (err) =>
        retryClassOf(err) === 'permanent' || job.attempt >= job.maxAttempts ? 'failed' : 'retry_scheduled',
    },
    (op) =>
      fn().finally(() => {
        if (op.provider) job.provider = op.provider;
      }),
  );
}
