import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { openDeadLetterCount, queueStats, workerNodes } from '../../../admin/queue-store.ts';
import { checkHealth } from '../../../observability/health.ts';
import type { AppDeps } from '../../deps.ts';
import { adminSchema } from './schemas.ts';

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.object({
    ok: z.boolean(),
    error: z.string().nullable(),
    migrations_applied: z.number().int().nullable(),
    migrations_expected: z.number().int(),
  }),
  workers: z.object({
    ok: z.boolean(),
    heartbeat_age_seconds: z.number().nullable(),
    nodes: z.array(
      z.object({
        id: z.string(),
        hostname: z.string(),
        pid: z.number().int(),
        workers: z.number().int(),
        heartbeat_age_seconds: z.number(),
      }),
    ),
  }),
  queue: z.object({
    ready: z.number().int(),
    running: z.number().int(),
    scheduled: z.number().int(),
    oldest_ready_age_seconds: z.number().nullable(),
  }),
  dead_letters_open: z.number().int(),
});

/** The service's health for its operator: database, worker processes, the job queue and dead letters. */
export const adminHealthRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/health',
    adminSchema.route('Health of the service: database, workers, queue depth and age, open dead letters', {
      response: { 200: healthSchema },
    }),
    async () => {
      const report = await checkHealth(deps.db, deps.config.worker.staleAfterMs);
      // With the database down the health check says so; the rest cannot be read.
      const [queue, nodes, dead] = report.checks.database.ok
        ? await Promise.all([queueStats(deps.db.owner), workerNodes(deps.db.owner), openDeadLetterCount(deps.db.owner)])
        : [{ ready: 0, running: 0, scheduled: 0, oldest_ready_age_seconds: null }, [], 0];
      return {
        status: report.status,
        database: {
          ok: report.checks.database.ok,
          error: report.checks.database.error ?? null,
          migrations_applied: report.checks.migrations.applied ?? null,
          migrations_expected: report.checks.migrations.expected,
        },
        workers: {
          ok: report.checks.worker.ok,
          heartbeat_age_seconds: report.checks.worker.heartbeat_age_seconds,
          nodes,
        },
        queue,
        dead_letters_open: dead,
      };
    },
  );
};
