import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../api/deps.ts';
import { orgOf } from '../api/plugins/auth.ts';
import { authErrors, errorSchema } from '../api/schemas.ts';
import { retention } from '../api/openapi/components.ts';
import { byRequest } from '../audit/actor.ts';
import { recordAudit } from '../audit/record.ts';
import { withOrgTx } from '../db/tx.ts';
import { RETENTION_DEFAULTS, RETENTION_KINDS } from './policies.ts';
import { effectiveRetention, updateRetention } from './settings.ts';

const retentionSchema = retention;
// At least a day (pruning runs every few minutes), at most ten years.
const dayCount = z.number().int().min(1).max(3650).nullable().optional();

export const retentionRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/org/retention',
    {
      schema: {
        tags: ['org'],
        summary: 'How many days each kind of data is kept for this organisation',
        response: { 200: retentionSchema, ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const r = await withOrgTx(deps.db.app, orgId, (c) => effectiveRetention(c, orgId));
      return { ...r, defaults: RETENTION_DEFAULTS };
    },
  );

  app.patch(
    '/org/retention',
    {
      schema: {
        tags: ['org'],
        summary: 'Change retention in days per kind of data (null: back to the default)',
        body: z
          .object(
            Object.fromEntries(RETENTION_KINDS.map((k) => [k, dayCount])) as Record<
              (typeof RETENTION_KINDS)[number],
              typeof dayCount
            >,
          )
          .strict()
          .refine((b) => Object.keys(b).length > 0, { message: 'Nothing to change.' }),
        response: { 200: retentionSchema, 422: errorSchema, ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const r = await withOrgTx(deps.db.app, orgId, async (c) => {
        const updated = await updateRetention(c, orgId, req.body);
        await recordAudit(c, orgId, {
          ...byRequest(req),
          action: 'org.retention.update',
          target: { type: 'org', id: orgId },
          details: { ...req.body },
        });
        return updated;
      });
      return { ...r, defaults: RETENTION_DEFAULTS };
    },
  );
};
