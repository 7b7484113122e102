import { z } from 'zod';
import { getDelivery, listAttempts } from '../../../webhooks/outbound/deliveries.ts';
import { formatAttempt, formatDelivery } from '../../../webhooks/outbound/format.ts';
import { requestRedelivery } from '../../../webhooks/outbound/manual.ts';
import { found } from '../../found.ts';
import { orgRoutePlugin } from '../../org-routes.ts';
import { errorSchema } from '../../schemas.ts';

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

export const webhookDeliveryRoutes = orgRoutePlugin('webhooks', async (app, { deps, org, schema }) => {
  app.get(
    '/webhook-deliveries/:id',
    schema.byId(
      'One webhook delivery with every attempt',
      deliverySchema.extend({ attempt_log: z.array(attemptSchema) }),
    ),
    async (req) => {
      const out = await org.tx(req, async (c, orgId) => {
        const d = await getDelivery(c, orgId, req.params.id);
        return d ? { d, attempts: await listAttempts(c, orgId, d.id) } : undefined;
      });
      const { d, attempts } = found(out, 'No such webhook delivery.');
      return { ...formatDelivery(d), attempt_log: attempts.map(formatAttempt) };
    },
  );

  app.post(
    '/webhook-deliveries/:id/redeliver',
    schema.onId('Attempt a webhook delivery again now, whatever its status', { 202: deliverySchema, 409: errorSchema }),
    async (req, reply) => {
      const row = await org.tx(req, (c, orgId) => requestRedelivery(c, orgId, req.params.id, deps.clock.now()));
      return reply.status(202).send(formatDelivery(row));
    },
  );
});
