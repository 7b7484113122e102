import { z } from 'zod';
import { targetStatesOf } from '../../../sync/content/target-states-store.ts';
import { orgRoutePlugin } from '../../org-routes.ts';
import { targetSchema } from './content-format.ts';

const MAX_ITEMS = 200;

/** Comma-separated item ids, as a list page's ids are sent back in one query. */
const itemIds = z
  .string()
  .max(MAX_ITEMS * 37)
  .transform((s) => [...new Set(s.split(',').filter(Boolean))])
  .pipe(z.array(z.string().uuid()).min(1).max(MAX_ITEMS));

/** Where items are: the state of each on every site, for a page of items in one call. */
export const contentTargetRoutes = orgRoutePlugin('content', async (app, { org, schema }) => {
  app.get(
    '/content/targets',
    schema.route('The state on each site of up to 200 items (a list page’s), one entry per item and site', {
      querystring: z.object({ item_ids: itemIds }),
      response: { 200: z.object({ data: z.array(targetSchema.extend({ item_id: z.string() })) }) },
    }),
    async (req) => ({ data: await org.tx(req, (c, orgId) => targetStatesOf(c, orgId, req.query.item_ids)) }),
  );
});
