import { z } from 'zod';
import { splitBlocks } from '../../../sync/content/blocks.ts';
import { conflictFields } from '../../../sync/content/conflict-fields-store.ts';
import { orgRoutePlugin } from '../../org-routes.ts';

const blocks = z.array(z.string()).nullable();

/**
 * A conflicting body split into the blocks the merge works on, so a client can show a
 * block-level diff of base, hub and site that matches what merges and what conflicts.
 */
export const conflictBlockRoutes = orgRoutePlugin('content', async (app, { org, schema }) => {
  app.get(
    '/conflicts/:id/body-blocks',
    schema.byId(
      'The conflicting body as blocks (base, hub, site); all null when the body is not in conflict',
      z.object({ base: blocks, hub: blocks, remote: blocks }),
    ),
    async (req) => {
      const fields = await org.one(req, conflictFields, 'No such conflict.');
      const body = fields.find((f) => f.field === 'bodyHtml');
      const split = (v: unknown) => (typeof v === 'string' ? splitBlocks(v) : null);
      return { base: split(body?.base), hub: split(body?.hub), remote: split(body?.remote) };
    },
  );
});
