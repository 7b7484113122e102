import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { withOrgTx } from '../../../db/tx.ts';
import { getDeadLetter, listDeadLetters, replayDeadLetter } from '../../../jobs/dead-letter.ts';
import type { AppDeps } from '../../deps.ts';
import { orgOf } from '../../plugins/auth.ts';
import { decodeCursor, page, pageQuery, pageSchema } from '../../pagination.ts';
import { authErrors, errorSchema, idParams } from '../../schemas.ts';
import { byRequest } from '../../../audit/actor.ts';
import { recordAudit } from '../../../audit/record.ts';
import { freeFormObject } from '../../openapi/components.ts';

export const deadLetterSchema = z.object({
  id: z.string(),
  job_id: z.number(),
  task: z.string(),
  payload: freeFormObject,
  job_key: z.string().nullable(),
  attempts: z.number(),
  error_code: z.string(),
  error_message: z.string(),
  failed_at: z.date(),
  replayed_at: z.date().nullable(),
  replay_job_id: z.number().nullable(),
});

export const deadLetterRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/dead-letters',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Jobs that failed for good',
        querystring: pageQuery.extend({
          task: z.string().max(100).optional(),
          replayed: z.enum(['true', 'false']).optional(),
        }),
        response: { 200: pageSchema(deadLetterSchema), ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const cur = decodeCursor(req.query.cursor);
      const filters = {
        task: req.query.task,
        replayed: req.query.replayed ? req.query.replayed === 'true' : undefined,
      };
      const rows = await withOrgTx(deps.db.app, orgId, (c) =>
        listDeadLetters(c, orgId, filters, cur, req.query.limit + 1),
      );
      return page(rows, req.query.limit, (r) => [r.failed_at, r.id]);
    },
  );

  app.get(
    '/dead-letters/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'One dead letter',
        params: idParams,
        response: { 200: deadLetterSchema, ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const row = await withOrgTx(deps.db.app, orgId, (c) => getDeadLetter(c, orgId, req.params.id));
      if (!row) throw plexusError('not_found', { message: 'No such dead letter.' });
      return row;
    },
  );

  app.post(
    '/dead-letters/:id/replay',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Run a dead-lettered job again',
        params: idParams,
        response: { 202: deadLetterSchema, 409: errorSchema, ...authErrors },
      },
    },
    async (req, reply) => {
      const orgId = orgOf(req);
      const row = await withOrgTx(deps.db.app, orgId, async (c) => {
        const replayed = await replayDeadLetter(c, orgId, req.params.id);
        await recordAudit(c, orgId, {
          ...byRequest(req),
          action: 'dead_letter.replay',
          target: { type: 'dead_letter', id: req.params.id },
          details: { task: replayed.task, replay_job_id: replayed.replay_job_id },
        });
        return replayed;
      });
      return reply.status(202).send(row);
    },
  );
};
