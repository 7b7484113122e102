import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { withOrgTx } from '../../../db/tx.ts';
import { getConnection } from '../../../connections/repo.ts';
import { enqueue } from '../../../db/queue.ts';
import { listRuns } from '../../../sync/runs.ts';
import type { AppDeps } from '../../deps.ts';
import { orgOf } from '../../plugins/auth.ts';
import { authErrors, errorSchema, idParams } from '../../schemas.ts';
import { syncRunStatus } from '../../openapi/components.ts';

export const runSchema = z.object({
  id: z.string(),
  kind: z.enum(['ads', 'content']),
  /** The job that runs it: the `job_id` answered when the sync was requested. */
  job_id: z.number().nullable(),
  reason: z.string(),
  status: syncRunStatus,
  pages: z.number(),
  records: z.number(),
  rate_limit_waits: z.number(),
  items_read: z.number(),
  items_merged: z.number(),
  conflicts: z.number(),
  items_written: z.number(),
  /** While running: the last failed attempt's error (the job retries); failed: why it ended. */
  error: z.string().nullable(),
  started_at: z.date(),
  finished_at: z.date().nullable(),
});

export const syncRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.post(
    '/connections/:id/syncs',
    {
      schema: {
        tags: ['sync'],
        summary: 'Sync a connection now (one run per connection at a time: a pending request is reused)',
        params: idParams,
        response: { 202: z.object({ connection_id: z.string(), job_id: z.number() }), 409: errorSchema, ...authErrors },
      },
    },
    async (req, reply) => {
      const orgId = orgOf(req);
      const jobId = await withOrgTx(deps.db.app, orgId, async (c) => {
        const row = await getConnection(c, orgId, req.params.id);
        if (!row) throw plexusError('not_found', { message: 'No such connection.' });
        if (row.status !== 'active') throw plexusError('conflict', { message: `The connection is ${row.status}.` });
        return enqueue(
          c,
          'sync_connection',
          { org_id: orgId, connection_id: row.id, reason: 'on_demand' },
          { jobKey: `sync:${row.id}` },
        );
      });
      return reply.status(202).send({ connection_id: req.params.id, job_id: jobId });
    },
  );

  app.get(
    '/connections/:id/syncs',
    {
      schema: {
        tags: ['sync'],
        summary:
          'Sync runs of a connection (ads and content), newest first, with progress; `job_id` finds the run of a requested sync',
        params: idParams,
        querystring: z.object({ job_id: z.coerce.number().int().positive().optional() }),
        response: { 200: z.object({ data: z.array(runSchema) }), ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const rows = await withOrgTx(deps.db.app, orgId, async (c) => {
        if (!(await getConnection(c, orgId, req.params.id)))
          throw plexusError('not_found', { message: 'No such connection.' });
        return listRuns(c, orgId, req.params.id, req.query.job_id ?? null);
      });
      return { data: rows };
    },
  );
};
