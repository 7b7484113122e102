import { z } from 'zod';
import { getDeadLetter, listDeadLetters, replayDeadLetter } from '../../../jobs/dead-letter.ts';
import { orgRoutePlugin } from '../../org-routes.ts';
import { errorSchema } from '../../schemas.ts';
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

export const deadLetterRoutes = orgRoutePlugin('jobs', async (app, { org, schema }) => {
  app.get(
    '/dead-letters',
    schema.list('Jobs that failed for good', deadLetterSchema, {
      task: z.string().max(100).optional(),
      replayed: z.enum(['true', 'false']).optional(),
    }),
    async (req) => {
      const replayed = req.query.replayed ? req.query.replayed === 'true' : undefined;
      return org.listPage(req, listDeadLetters, [{ task: req.query.task, replayed }], (r) => [r.failed_at, r.id]);
    },
  );

  app.get('/dead-letters/:id', schema.byId('One dead letter', deadLetterSchema), async (req) =>
    org.one(req, getDeadLetter, 'No such dead letter.'),
  );

  app.post(
    '/dead-letters/:id/replay',
    schema.onId('Run a dead-lettered job again', { 202: deadLetterSchema, 409: errorSchema }),
    async (req, reply) => {
      const row = await org.tx(req, async (c, orgId, audit) => {
        const replayed = await replayDeadLetter(c, orgId, req.params.id);
        await audit(
          'dead_letter.replay',
          { type: 'dead_letter', id: req.params.id },
          { task: replayed.task, replay_job_id: replayed.replay_job_id },
        );
        return replayed;
      });
      return reply.status(202).send(row);
    },
  );
});
