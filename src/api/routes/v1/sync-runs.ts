import { z } from 'zod';
import { listOrgRuns } from '../../../sync/runs.ts';
import { orgRoutePlugin } from '../../org-routes.ts';
import { decodeCursor, page } from '../../pagination.ts';
import { syncRunStatus } from '../../openapi/components.ts';
import { runSchema } from './syncs.ts';

const orgRunSchema = runSchema.extend({ connection_id: z.string(), provider: z.string().nullable() });

export const syncRunRoutes = orgRoutePlugin('sync', async (app, { org, schema }) => {
  app.get(
    '/sync-runs',
    schema.list(
      'Sync runs of every connection of the organisation, newest first, with progress; `status=running` lists what runs now',
      orgRunSchema,
      {
        status: syncRunStatus.optional(),
        kind: z.enum(['ads', 'content']).optional(),
        connection_id: z.string().uuid().optional(),
      },
    ),
    async (req) => {
      const q = req.query;
      const cursor = decodeCursor(q.cursor);
      const rows = await org.tx(req, (c, orgId) =>
        listOrgRuns(c, orgId, {
          status: q.status,
          kind: q.kind,
          connectionId: q.connection_id,
          cursor,
          limit: q.limit,
        }),
      );
      return page(rows, q.limit, (r) => [r.started_at, r.id]);
    },
  );
});
