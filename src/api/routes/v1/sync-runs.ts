import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withOrgTx } from '../../../db/tx.ts';
import { listOrgRuns } from '../../../sync/runs.ts';
import type { AppDeps } from '../../deps.ts';
import { orgOf } from '../../plugins/auth.ts';
import { decodeCursor, page, pageQuery, pageSchema } from '../../pagination.ts';
import { authErrors } from '../../schemas.ts';
import { syncRunStatus } from '../../openapi/components.ts';
import { runSchema } from './syncs.ts';

const orgRunSchema = runSchema.extend({ connection_id: z.string(), provider: z.string().nullable() });

export const syncRunRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/sync-runs',
    {
      schema: {
        tags: ['sync'],
        summary:
          'Sync runs of every connection of the organisation, newest first, with progress; `status=running` lists what runs now',
        querystring: pageQuery.extend({
          status: syncRunStatus.optional(),
          kind: z.enum(['ads', 'content']).optional(),
          connection_id: z.string().uuid().optional(),
        }),
        response: { 200: pageSchema(orgRunSchema), ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const q = req.query;
      const rows = await withOrgTx(deps.db.app, orgId, (c) =>
        listOrgRuns(c, orgId, {
          status: q.status,
          kind: q.kind,
          connectionId: q.connection_id,
          cursor: decodeCursor(q.cursor),
          limit: q.limit,
        }),
      );
      return page(rows, q.limit, (r) => [r.started_at, r.id]);
    },
  );
};
