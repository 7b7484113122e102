import type { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import type { Logger } from '../core/logger.ts';
import type { BackoffOptions } from '../core/retry.ts';
import type { Database } from '../db/database.ts';
import type { ProviderRuntime } from '../providers/context.ts';
import type { Keyring } from '../vault/keyring.ts';

/**
 * Payload types by task name. Each task file adds its own entry by declaration merging,
 * so `enqueue('name', payload)` and the task's handler share one declared type.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface JobPayloads {}

export type TaskName = keyof JobPayloads & string;

/** Every tenant job names its org; the enqueue functions refuse a payload for another org. */
export interface TenantPayload {
  org_id: string;
}

export interface TaskContext {
  db: Database;
  keyring: Keyring;
  log: Logger;
  clock: Clock;
  job: { id: string; attempt: number; key: string | null };
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
   * with side effects there: the job runs under a lease on it with a fencing token (fence.ts).
   */
  lease?: (payload: JobPayloads[N]) => string;
  run(payload: JobPayloads[N], ctx: TaskContext): Promise<void>;
}

/** The retry counter Plexus keeps in the payload: it computes its own run_at per error. */
export const ATTEMPT_FIELD = '_attempt';
