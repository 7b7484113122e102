import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getOrgSummary, listOrgSummaries } from '../../../admin/orgs-store.ts';
import type { AppDeps } from '../../deps.ts';
import { found } from '../../found.ts';
import { decodeCursor, page } from '../../pagination.ts';
import { adminSchema } from './schemas.ts';

const orgSummary = z.object({
  id: z.string(),
  name: z.string(),
  created_at: z.date(),
  connections: z.number().int(),
  active_api_keys: z.number().int(),
  dead_letters: z.number().int(),
});

/** Operator reads behind the admin token: every organisation, for the `plexus orgs` command and the console. */
export const adminOrgReadRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/orgs',
    adminSchema.list(
      'Every organisation, newest first, with counts; `q` keeps those whose name contains it',
      orgSummary,
      {
        q: z.string().min(1).max(200).optional(),
      },
    ),
    async (req) => {
      const rows = await listOrgSummaries(deps.db.owner, {
        q: req.query.q,
        cursor: decodeCursor(req.query.cursor),
        limit: req.query.limit,
      });
      return page(rows, req.query.limit, (r) => [r.created_at, r.id]);
    },
  );

  app.get('/orgs/:id', adminSchema.byId('One organisation with counts', orgSummary), async (req) =>
    found(await getOrgSummary(deps.db.owner, req.params.id), 'No such organisation.'),
  );
};
