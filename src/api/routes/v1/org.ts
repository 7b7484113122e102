import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { withOrgTx } from '../../../db/tx.ts';
import { getOrg, renameOrg } from '../../../tenancy/orgs.ts';
import type { AppDeps } from '../../deps.ts';
import { orgOf } from '../../plugins/auth.ts';
import { authErrors } from '../../schemas.ts';
import { byRequest } from '../../../audit/actor.ts';
import { recordAudit } from '../../../audit/record.ts';

const orgSchema = z.object({ id: z.string(), name: z.string(), created_at: z.date() });

export const orgRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/org',
    {
      schema: {
        tags: ['org'],
        summary: 'The organisation of the API key',
        response: { 200: orgSchema, ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const row = await withOrgTx(deps.db.app, orgId, (c) => getOrg(c, orgId));
      if (!row) throw plexusError('not_found');
      return row;
    },
  );

  app.patch(
    '/org',
    {
      schema: {
        tags: ['org'],
        summary: 'Rename the organisation',
        body: z.object({ name: z.string().min(1).max(200) }),
        response: { 200: orgSchema, ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      return withOrgTx(deps.db.app, orgId, async (c) => {
        await recordAudit(c, orgId, {
          ...byRequest(req),
          action: 'org.update',
          target: { type: 'org', id: orgId },
          details: { fields: ['name'] },
        });
        return renameOrg(c, orgId, req.body.name);
      });
    },
  );
};
