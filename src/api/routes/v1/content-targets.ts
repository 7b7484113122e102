import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withOrgTx } from '../../../db/tx.ts';
import { targetStatesOf } from '../../../sync/content/target-states-store.ts';
import type { AppDeps } from '../../deps.ts';
import { orgOf } from '../../plugins/auth.ts';
import { authErrors } from '../../schemas.ts';
import { targetSchema } from './content-format.ts';

const MAX_ITEMS = 200;

/** Comma-separated item ids, as a list page's ids are sent back in one query. */
const itemIds = z
  .string()
  .max(MAX_ITEMS * 37)
  .transform((s) => [...new Set(s.split(',').filter(Boolean))])
  .pipe(z.array(z.string().uuid()).min(1).max(MAX_ITEMS));

/** Where items are: the state of each on every site, for a page of items in one call. */
export const contentTargetRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/content/targets',
    {
      schema: {
        tags: ['content'],
        summary: 'The state on each site of up to 200 items (a list page’s), one entry per item and site',
        querystring: z.object({ item_ids: itemIds }),
        response: { 200: z.object({ data: z.array(targetSchema.extend({ item_id: z.string() })) }), ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      return { data: await withOrgTx(deps.db.app, orgId, (c) => targetStatesOf(c, orgId, req.query.item_ids)) };
    },
  );
};
