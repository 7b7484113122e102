import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listProviders } from '../../../providers/registry.ts';
import { configuredVersion, versionStatus } from '../../../providers/version-lifecycle.ts';
import type { ProviderDefinition } from '../../../providers/types.ts';
import type { AppDeps } from '../../deps.ts';
import { authErrors } from '../../schemas.ts';
import { authKind, versionStanding } from '../../openapi/components.ts';

const providerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    family: z.enum(['ads', 'cms']),
    auth_kind: authKind,
    capabilities: z.array(z.string()),
    webhooks: z.boolean(),
    api_version: z.string(),
    /** Where the configured version stands: `sunset_soon` within 90 days, `sunset_passed` after. */
    version_lifecycle: z.object({
      ...versionStanding,
      pinned_version: z.string(),
      source: z.string().describe('where the platform publishes its versions'),
    }),
  })
  .meta({
    id: 'Provider',
    description: 'A platform Plexus connects to, with the API version it calls and where that version stands.',
  });

export const providerRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/providers',
    {
      schema: {
        tags: ['providers'],
        summary: 'The platforms Plexus connects to',
        response: { 200: z.object({ data: z.array(providerSchema) }), ...authErrors },
      },
    },
    () => ({
      data: listProviders().map((p) => ({
        ...lifecycleOf(p, deps),
        id: p.id,
        name: p.displayName,
        family: p.family,
        auth_kind: p.auth.kind,
        capabilities: [...p.capabilities],
        webhooks: p.webhooks.supported,
      })),
    }),
  );
};

function lifecycleOf(p: ProviderDefinition, deps: AppDeps) {
  const s = versionStatus(p, configuredVersion(p, deps.providers.apps), deps.clock.now());
  return {
    api_version: s.version,
    version_lifecycle: {
      state: s.state,
      released: s.released,
      sunset: s.sunset,
      sunset_tentative: s.tentative,
      days_to_sunset: s.days_to_sunset,
      pinned_version: s.newest,
      source: s.source,
    },
  };
}
