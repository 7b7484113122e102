import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listProviders } from '../../../providers/registry.ts';
import type { AppDeps } from '../../deps.ts';
import { authErrors } from '../../schemas.ts';
import { authKind } from '../../openapi/components.ts';

const providerSchema = z.object({
  id: z.string(),
  name: z.string(),
  family: z.enum(['ads', 'cms']),
  auth_kind: authKind,
  capabilities: z.array(z.string()),
  webhooks: z.boolean(),
  api_version: z.string(),
});

export const providerRoutes: FastifyPluginAsyncZod<AppDeps> = async (app) => {
  app.get(
    '/providers',
    { schema: { tags: ['providers'], summary: 'The platforms Plexus connects to', response: { 200: z.object({ data: z.array(providerSchema) }), ...authErrors } } },
    async () => ({
      data: listProviders().map((p) => ({
        id: p.id,
        name: p.displayName,
        family: p.family,
        auth_kind: p.auth.kind,
        capabilities: [...p.capabilities],
        webhooks: p.webhooks.supported,
        api_version: p.api.version,
      })),
    }),
  );
};
