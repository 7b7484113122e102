import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { getOrg, renameOrg } from '../../../tenancy/orgs.ts';
import type { AppDeps } from '../../deps.ts';
import { orgScope } from '../../org-scope.ts';
import { routeGroup } from '../../route-schema.ts';
import { authErrors } from '../../schemas.ts';

const orgSchema = z.object({ id: z.string(), name: z.string(), created_at: z.date() });

const orgTag = routeGroup('org', authErrors);

export const orgRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const org = orgScope(deps);

  app.get('/org', orgTag.route('The organisation of the API key', { response: { 200: orgSchema } }), async (req) => {
    const row = await org.tx(req, (c, orgId) => getOrg(c, orgId));
    if (!row) throw plexusError('not_found');
    return row;
  });

  app.patch(
    '/org',
    orgTag.route('Rename the organisation', {
      body: z.object({ name: z.string().min(1).max(200) }),
      response: { 200: orgSchema },
    }),
    async (req) =>
      org.tx(req, async (c, orgId, audit) => {
        await audit('org.update', { type: 'org', id: orgId }, { fields: ['name'] });
        return renameOrg(c, orgId, req.body.name);
      }),
  );
};
