import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { getOrg, renameOrg } from '../../../tenancy/orgs.ts';
import { orgRoutePlugin } from '../../org-routes.ts';

const orgSchema = z.object({ id: z.string(), name: z.string(), created_at: z.date() });

export const orgRoutes = orgRoutePlugin('org', async (app, { org, schema }) => {
  app.get('/org', schema.route('The organisation of the API key', { response: { 200: orgSchema } }), async (req) => {
    const row = await org.tx(req, (c, orgId) => getOrg(c, orgId));
    if (!row) throw plexusError('not_found');
    return row;
  });

  app.patch(
    '/org',
    schema.route('Rename the organisation', {
      body: z.object({ name: z.string().min(1).max(200) }),
      response: { 200: orgSchema },
    }),
    async (req) =>
      org.tx(req, async (c, orgId, audit) => {
        await audit('org.update', { type: 'org', id: orgId }, { fields: ['name'] });
        return renameOrg(c, orgId, req.body.name);
      }),
  );
});
