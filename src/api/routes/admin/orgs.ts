import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createOrg } from '../../../tenancy/orgs.ts';
import type { AppDeps } from '../../deps.ts';
import { errorSchema } from '../../schemas.ts';

/** System routes for the host application's back office: creating orgs needs the admin token. */
export const adminOrgRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.post(
    '/orgs',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create an organisation and its first API key (shown once)',
        body: z.object({ name: z.string().min(1).max(200) }),
        response: {
          201: z.object({ id: z.string(), name: z.string(), created_at: z.date(), api_key: z.string() }),
          401: errorSchema,
          403: errorSchema,
        },
      },
    },
    async (req, reply) => {
      const { org, apiKey } = await createOrg(deps.db.owner, req.body.name);
      return reply.status(201).send({ ...org, api_key: apiKey });
    },
  );
};
