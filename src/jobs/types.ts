import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { BackoffOptions } from '../core/retry.ts';
import type { Database } from '../db/database.ts';
import type { ProviderRuntime } from '../providers/context.ts';
import type { Keyring } from '../vault/keyring.ts';
import type { JobPayloads, TaskName } from '../db/queue.ts';

export interface TaskContext {
  db: Database;
  keyring: Keyring;
  log: Logger;
  clock: Clock;
  /** `originId`: the id of the job's first attempt (a retry is a new job row); what the API returned when it was queued. */
  job: { id: string; attempt: number; key: string | null; originId?: string };
  /** Platform apps, HTTP client and clock, for tasks that call platforms. */
  providers?: ProviderRuntime;
}

export interface TaskDefinition<N extends TaskName = TaskName> {
  name: N;
  schema: z.ZodType<JobPayloads[N]>;
  /** Attempts before the job is moved to the dead letters (default from config). */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  /** Standard five-field cron expression for tasks that run on a schedule. */
  cron?: string;
  /**
   * The thing this task changes outside the database (a site, a token, an endpoint), for tasks
   * with side effects there: the job runs under a lease on it with a fencing token (db/fence.ts).
   */
  lease?: (payload: JobPayloads[N]) => string;
  run(payload: JobPayloads[N], ctx: TaskContext): Promise<void>;
  /**
   * Told of each failed attempt: `final` when the job goes to the dead letters, so the record it
   * worked on (a run, a batch) ends with the error and its event is sent; otherwise the record
   * shows the last error while the job waits for its retry.
   */
  onFailure?(payload: JobPayloads[N], ctx: TaskContext, failure: JobFailure): Promise<void>;
}

export interface JobFailure {
  code: string;
  message: string;
  attempt: number;
  final: boolean;
}

/** The retry counter Plexus keeps in the payload: it computes its own run_at per error. */
export const ATTEMPT_FIELD = '_attempt';

/** The id of a job's first attempt, carried through its retries. */
export const ORIGIN_FIELD = '_origin';

/**
 * The schema of a task that runs on a schedule and takes no payload of its own; passthrough
 * keeps the fields the runtime adds (ATTEMPT_FIELD, ORIGIN_FIELD).
 */
export const noPayload = z.object({}).passthrough() as unknown as z.ZodType<Record<string, never>>;
