import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { getOrgSummary, listOrgSummaries } from '../../../orgs/summary-store.ts';
import type { AppDeps } from '../../deps.ts';
import { decodeCursor, page, pageQuery, pageSchema } from '../../pagination.ts';
import { errorSchema, idParams } from '../../schemas.ts';

const orgSummary = z.object({
  id: z.string(),
  name: z.string(),
  created_at: z.date(),
  connections: z.number().int(),
  active_api_keys: z.number().int(),
  dead_letters: z.number().int(),
});
const adminErrors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema } as const;

/** Operator reads behind the admin token: every organisation, for the `plexus orgs` command. */
// eslint-disable-next-line @typescript-eslint/require-await -- a Fastify plugin stays async so a registration error (a duplicate route) rejects ready(); a sync plugin's throw escapes avvio uncaught
export const adminOrgReadRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/orgs',
    { schema: { tags: ['admin'], summary: 'Every organisation, newest first, with counts', querystring: pageQuery, response: { 200: pageSchema(orgSummary), ...adminErrors } } },
    async (req) => {
      const cur = decodeCursor(req.query.cursor);
      const rows = await listOrgSummaries(deps.db.owner, cur, req.query.limit + 1);
      return page(rows, req.query.limit, (r) => [r.created_at, r.id]);
    },
  );

  app.get(
    '/orgs/:id',
    { schema: { tags: ['admin'], summary: 'One organisation with counts', params: idParams, response: { 200: orgSummary, ...adminErrors } } },
    async (req) => {
      const row = await getOrgSummary(deps.db.owner, req.params.id);
      if (!row) throw plexusError('not_found', { message: 'No such organisation.' });
      return row;
    },
  );
};
