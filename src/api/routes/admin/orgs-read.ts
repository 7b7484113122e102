import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { getOrgSummary, listOrgSummaries } from '../../../admin/orgs-store.ts';
import type { AppDeps } from '../../deps.ts';
import { decodeCursor, page, pageQuery, pageSchema } from '../../pagination.ts';
import { idParams } from '../../schemas.ts';
import { adminErrors } from './schemas.ts';

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
    {
      schema: {
        tags: ['admin'],
        summary: 'Every organisation, newest first, with counts; `q` keeps those whose name contains it',
        querystring: pageQuery.extend({ q: z.string().min(1).max(200).optional() }),
        response: { 200: pageSchema(orgSummary), ...adminErrors },
      },
    },
    async (req) => {
      const rows = await listOrgSummaries(deps.db.owner, {
        q: req.query.q,
        cursor: decodeCursor(req.query.cursor),
        limit: req.query.limit,
      });
      return page(rows, req.query.limit, (r) => [r.created_at, r.id]);
    },
  );

  app.get(
    '/orgs/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'One organisation with counts',
        params: idParams,
        response: { 200: orgSummary, ...adminErrors },
      },
    },
    async (req) => {
      const row = await getOrgSummary(deps.db.owner, req.params.id);
      if (!row) throw plexusError('not_found', { message: 'No such organisation.' });
      return row;
    },
  );
};
