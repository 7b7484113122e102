import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { getConnection } from '../../../connections/repo.ts';
import { enqueue } from '../../../db/queue.ts';
import { listRuns } from '../../../sync/runs.ts';
import { found } from '../../found.ts';
import { orgRoutePlugin } from '../../org-routes.ts';
import { errorSchema, idParams } from '../../schemas.ts';
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

export const syncRoutes = orgRoutePlugin('sync', async (app, { org, schema }) => {
  app.post(
    '/connections/:id/syncs',
    schema.onId('Sync a connection now (one run per connection at a time: a pending request is reused)', {
      202: z.object({ connection_id: z.string(), job_id: z.number() }),
      409: errorSchema,
    }),
    async (req, reply) => {
      const jobId = await org.tx(req, async (c, orgId) => {
        const row = found(await getConnection(c, orgId, req.params.id), 'No such connection.');
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
    schema.route(
      'Sync runs of a connection (ads and content), newest first, with progress; `job_id` finds the run of a requested sync',
      {
        params: idParams,
        querystring: z.object({ job_id: z.coerce.number().int().positive().optional() }),
        response: { 200: z.object({ data: z.array(runSchema) }) },
      },
    ),
    async (req) => {
      const rows = await org.tx(req, async (c, orgId) => {
        found(await getConnection(c, orgId, req.params.id), 'No such connection.');
        return listRuns(c, orgId, req.params.id, req.query.job_id ?? null);
      });
      return { data: rows };
    },
  );
});
