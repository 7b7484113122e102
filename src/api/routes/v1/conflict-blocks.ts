import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { withOrgTx } from '../../../db/tx.ts';
import { splitBlocks } from '../../../sync/content/blocks.ts';
import { conflictFields } from '../../../sync/content/conflict-fields-store.ts';
import type { AppDeps } from '../../deps.ts';
import { orgOf } from '../../plugins/auth.ts';
import { authErrors, idParams } from '../../schemas.ts';

const blocks = z.array(z.string()).nullable();

/**
 * A conflicting body split into the blocks the merge works on, so a client can show a
 * block-level diff of base, hub and site that matches what merges and what conflicts.
 */
export const conflictBlockRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/conflicts/:id/body-blocks',
    {
      schema: {
        tags: ['content'],
        summary: 'The conflicting body as blocks (base, hub, site); all null when the body is not in conflict',
        params: idParams,
        response: { 200: z.object({ base: blocks, hub: blocks, remote: blocks }), ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const fields = await withOrgTx(deps.db.app, orgId, (c) => conflictFields(c, orgId, req.params.id));
      if (!fields) throw plexusError('not_found', { message: 'No such conflict.' });
      const body = fields.find((f) => f.field === 'bodyHtml');
      const split = (v: unknown) => (typeof v === 'string' ? splitBlocks(v) : null);
      return { base: split(body?.base), hub: split(body?.hub), remote: split(body?.remote) };
    },
  );
};
