import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { platformRates } from '../../../admin/platform-rates-store.ts';
import type { AppDeps } from '../../deps.ts';
import { adminSchema } from './schemas.ts';

const rateSchema = z.object({
  provider: z.string(),
  orgs: z.number().int().describe('organisations whose work called the platform'),
  operations: z.number().int(),
  calls: z.number().int(),
  errors: z.number().int().describe('calls answered 4xx or 5xx, or that failed on the network'),
  rate_limited: z.number().int().describe('calls answered 429'),
  error_rate: z.number().describe('errors / calls (0 without calls)'),
  rate_limited_rate: z.number().describe('rate_limited / calls (0 without calls)'),
});

const ratio = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 10_000) / 10_000);

/** Platform error and 429 rates across orgs, from the operations log. */
export const adminPlatformRateRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/platform-rates',
    adminSchema.route('Calls, errors and 429s per platform over the last hours, across every organisation', {
      querystring: z.object({
        hours: z.coerce
          .number()
          .int()
          .min(1)
          .max(24 * 14)
          .default(24),
      }),
      response: { 200: z.object({ hours: z.number().int(), data: z.array(rateSchema) }) },
    }),
    async (req) => {
      const rows = await platformRates(deps.db.owner, req.query.hours);
      return {
        hours: req.query.hours,
        data: rows.map((r) => ({
          ...r,
          error_rate: ratio(r.errors, r.calls),
          rate_limited_rate: ratio(r.rate_limited, r.calls),
        })),
      };
    },
  );
};
