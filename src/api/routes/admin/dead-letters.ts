import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAllDeadLetters, replayAnyDeadLetter } from '../../../admin/dead-letters-store.ts';
import { deadLetterSchema } from '../v1/dead-letters.ts';
import type { AppDeps } from '../../deps.ts';
import { found } from '../../found.ts';
import { decodeCursor, page } from '../../pagination.ts';
import { errorSchema } from '../../schemas.ts';
import { adminSchema } from './schemas.ts';

// A dead letter of the org API, with the org it belongs to beside it.
const adminDeadLetterSchema = deadLetterSchema.extend({
  org_id: z.string().nullable().describe('null for a system job'),
  org_name: z.string().nullable(),
});

/** Dead letters across every org, and their replay, for the operator. */
export const adminDeadLetterRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/dead-letters',
    adminSchema.list('Jobs that failed for good, in every organisation, newest first', adminDeadLetterSchema, {
      org_id: z.string().uuid().optional(),
      replayed: z.enum(['true', 'false']).optional(),
    }),
    async (req) => {
      const rows = await listAllDeadLetters(deps.db.owner, {
        orgId: req.query.org_id,
        replayed: req.query.replayed === undefined ? undefined : req.query.replayed === 'true',
        cursor: decodeCursor(req.query.cursor),
        limit: req.query.limit,
      });
      return page(rows, req.query.limit, (r) => [r.failed_at, r.id]);
    },
  );

  app.post(
    '/dead-letters/:id/replay',
    adminSchema.onId('Run a dead-lettered job of any organisation again', {
      202: adminDeadLetterSchema,
      409: errorSchema,
    }),
    async (req, reply) => {
      const row = await replayAnyDeadLetter(deps.db, req.params.id, req.id);
      return reply.status(202).send(found(row, 'No such dead letter.'));
    },
  );
};
