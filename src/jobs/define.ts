import { z } from 'zod';
import type { JobPayloads, TaskName } from '../db/queue.ts';
import { noPayload, type TaskContext, type TaskDefinition } from './types.ts';

/** A task's definition, typed by its name: the payload is the one its file declares in JobPayloads. */
export function defineTask<N extends TaskName>(
  name: N,
  schema: z.ZodType<JobPayloads[N]>,
  rest: Omit<TaskDefinition<N>, 'name' | 'schema'>,
): TaskDefinition<N> {
  return { name, schema, ...rest };
}

/** Tasks declared with no payload of their own. */
type ScheduledTaskName = { [N in TaskName]: JobPayloads[N] extends Record<string, never> ? N : never }[TaskName];

/** A task that runs on a schedule (a five-field cron expression) and takes no payload. */
export function scheduledTask<N extends ScheduledTaskName>(
  name: N,
  cron: string,
  run: (ctx: TaskContext) => Promise<void>,
): TaskDefinition<N> {
  return { name, schema: noPayload, cron, run: (_payload, ctx) => run(ctx) };
}

/** The schema of a payload made of ids (the org's, and those of what the task works on). */
export function uuidFields<K extends string>(...keys: K[]) {
  return z.object(Object.fromEntries(keys.map((k) => [k, z.string().uuid()])) as Record<K, z.ZodString>);
}
