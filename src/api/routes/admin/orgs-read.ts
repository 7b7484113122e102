import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
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

// Counts per org across tenants: a system read, so it runs as the owner (no org setting).
const SELECT = `select o.id, o.name, o.created_at,
    (select count(*)::int from connections c where c.org_id = o.id and c.status <> 'deleted') as connections,
    (select count(*)::int from api_keys k where k.org_id = o.id and k.revoked_at is null) as active_api_keys,
    (select count(*)::int from dead_letters d where d.org_id = o.id and d.replayed_at is null) as dead_letters
  from orgs o`;

/** Operator reads behind the admin token: every organisation, for the `plexus orgs` command. */
export const adminOrgReadRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/orgs',
    { schema: { tags: ['admin'], summary: 'Every organisation, newest first, with counts', querystring: pageQuery, response: { 200: pageSchema(orgSummary), ...adminErrors } } },
    async (req) => {
      const cur = decodeCursor(req.query.cursor);
      const { rows } = await deps.db.owner.query(
        `${SELECT} where ($1::timestamptz is null or (o.created_at, o.id) < ($1, $2::uuid)) order by o.created_at desc, o.id desc limit $3`,
        [cur?.at ?? null, cur?.id ?? null, req.query.limit + 1],
      );
      return page(rows, req.query.limit, (r) => [r.created_at, r.id]);
    },
  );

  app.get(
    '/orgs/:id',
    { schema: { tags: ['admin'], summary: 'One organisation with counts', params: idParams, response: { 200: orgSummary, ...adminErrors } } },
    async (req) => {
      const { rows } = await deps.db.owner.query(`${SELECT} where o.id = $1`, [req.params.id]);
      if (!rows[0]) throw plexusError('not_found', { message: 'No such organisation.' });
      return rows[0];
    },
  );
};
