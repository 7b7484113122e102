import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { describeVersionWarning, versionStatuses } from '../../../providers/version-lifecycle.ts';
import { versionStanding } from '../../openapi/components.ts';
import type { AppDeps } from '../../deps.ts';
import { adminSchema } from './schemas.ts';

const versionSchema = z.object({
  provider: z.string(),
  version: z.string(),
  overridden: z.boolean().describe('PLEXUS_<ID>_VERSION replaced the pinned version'),
  ...versionStanding,
  newest: z.string(),
  source: z.string(),
  warning: z.string().nullable().describe('what to do, for a version near or past its sunset'),
});

/** The API version each platform is called with and where it stands, warnings first. */
export const adminProviderVersionRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/provider-versions',
    adminSchema.route('API versions in use and their sunsets, those needing action first', {
      response: { 200: z.object({ data: z.array(versionSchema) }) },
    }),
    async () => {
      const statuses = versionStatuses(deps.providers.apps, deps.clock.now());
      const urgency = (s: (typeof statuses)[number]) => (s.state === 'current' ? 1 : 0);
      return {
        data: statuses
          .sort((a, b) => urgency(a) - urgency(b) || (a.days_to_sunset ?? Infinity) - (b.days_to_sunset ?? Infinity))
          .map((s) => ({
            provider: s.provider,
            version: s.version,
            overridden: s.overridden,
            state: s.state,
            released: s.released,
            sunset: s.sunset,
            sunset_tentative: s.tentative,
            days_to_sunset: s.days_to_sunset,
            newest: s.newest,
            source: s.source,
            warning: s.state === 'current' ? null : describeVersionWarning(s),
          })),
      };
    },
  );
};
