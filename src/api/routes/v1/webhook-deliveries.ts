import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { withOrgTx } from '../../../db/tx.ts';
import { getDelivery, listAttempts } from '../../../webhooks/outbound/deliveries.ts';
import { formatAttempt, formatDelivery } from '../../../webhooks/outbound/format.ts';
import { requestRedelivery } from '../../../webhooks/outbound/manual.ts';
import type { AppDeps } from '../../deps.ts';
import { orgOf } from '../../plugins/auth.ts';
import { authErrors, errorSchema, idParams } from '../../schemas.ts';

export const deliverySchema = z.object({
  id: z.string(),
  endpoint_id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed', 'retrying', 'disabled']),
  attempts: z.number(),
  next_attempt_at: z.date().nullable(),
  last_status_code: z.number().nullable(),
  last_latency_ms: z.number().nullable(),
  last_response_excerpt: z.string().nullable(),
  last_error: z.string().nullable(),
  created_at: z.date(),
  delivered_at: z.date().nullable(),
});

const attemptSchema = z.object({
  attempt: z.number(),
  status_code: z.number().nullable(),
  latency_ms: z.number().nullable(),
  response_excerpt: z.string().nullable(),
  error: z.string().nullable(),
  at: z.date(),
});

export const webhookDeliveryRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/webhook-deliveries/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'One webhook delivery with every attempt',
        params: idParams,
        response: { 200: deliverySchema.extend({ attempt_log: z.array(attemptSchema) }), ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const out = await withOrgTx(deps.db.app, orgId, async (c) => {
        const d = await getDelivery(c, orgId, req.params.id);
        return d ? { d, attempts: await listAttempts(c, orgId, d.id) } : undefined;
      });
      if (!out) throw plexusError('not_found', { message: 'No such webhook delivery.' });
      return { ...formatDelivery(out.d), attempt_log: out.attempts.map(formatAttempt) };
    },
  );

  app.post(
    '/webhook-deliveries/:id/redeliver',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Attempt a webhook delivery again now, whatever its status',
        params: idParams,
        response: { 202: deliverySchema, 409: errorSchema, ...authErrors },
      },
    },
    async (req, reply) => {
      const orgId = orgOf(req);
      const row = await withOrgTx(deps.db.app, orgId, (c) =>
        requestRedelivery(c, orgId, req.params.id, deps.clock.now()),
      );
      return reply.status(202).send(formatDelivery(row));
    },
  );
};
