import { z } from 'zod';
import { EVENT_TYPES } from '../../../connections/events.ts';
import { plexusError } from '../../../core/errors.ts';
import { assertPublicUrl } from '../../../security/ssrf.ts';
import { listDeliveries } from '../../../webhooks/outbound/deliveries.ts';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  rotateEndpointSecret,
  updateEndpoint,
} from '../../../webhooks/outbound/endpoints.ts';
import { formatDelivery, formatEndpoint } from '../../../webhooks/outbound/format.ts';
import { sendTestEvent } from '../../../webhooks/outbound/manual.ts';
import type { AppDeps } from '../../deps.ts';
import { found } from '../../found.ts';
import { orgRoutePlugin } from '../../org-routes.ts';
import { pageQuery, pageSchema } from '../../pagination.ts';
import { errorSchema, idParams } from '../../schemas.ts';
import { deliverySchema } from './webhook-deliveries.ts';

const endpointSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  event_types: z.array(z.string()),
  status: z.enum(['active', 'disabled']),
  disabled_reason: z.string().nullable(),
  disabled_at: z.date().nullable(),
  previous_secret_expires_at: z.date().nullable(),
  consecutive_failures: z.number(),
  failing_since: z.date().nullable(),
  last_success_at: z.date().nullable(),
  created_at: z.date(),
  updated_at: z.date(),
});

/** Returned by create and rotate only: the secret is shown once and never again. */
const withSecret = endpointSchema.extend({ secret: z.string() });

const url = z
  .string()
  .max(2000)
  .refine((v) => /^https?:\/\//i.test(v), 'must be an http(s) URL');
// An empty list means every event type.
const eventTypes = z
  .array(z.enum(EVENT_TYPES))
  .max(EVENT_TYPES.length)
  .transform((v) => [...new Set(v)]);
const description = z.string().max(500).nullable();

/** The URL as stored: parsed, normalised and past the SSRF guard (private addresses only when allow-listed). */
async function endpointUrl(raw: string, deps: AppDeps): Promise<string> {
  const href = (await assertPublicUrl(raw, deps.ssrf, 'url')).href;
  if (href.length > 2000)
    throw plexusError('validation_failed', {
      message: 'url is too long.',
      details: [{ path: 'url', message: 'too long' }],
    });
  return href;
}

const noSuchEndpoint = 'No such webhook endpoint.';

/** The delivery log of an endpoint of the org, or a 404 when there is no such endpoint. */
const deliveriesOfEndpoint: typeof listDeliveries = async (c, orgId, endpointId, ...rest) => {
  found(await getEndpoint(c, orgId, endpointId), noSuchEndpoint);
  return listDeliveries(c, orgId, endpointId, ...rest);
};

const mutationErrors = { 409: errorSchema, 422: errorSchema } as const;

export const webhookEndpointRoutes = orgRoutePlugin('webhooks', async (app, { deps, org, schema }) => {
  app.post(
    '/webhook-endpoints',
    schema.route('Create a webhook endpoint; its signing secret is shown once', {
      body: z.object({ url, description: description.optional(), event_types: eventTypes.default([]) }),
      response: { 201: withSecret, ...mutationErrors },
    }),
    async (req, reply) => {
      const target = await endpointUrl(req.body.url, deps);
      const { row, secret } = await org.tx(req, async (c, orgId, audit) => {
        const created = await createEndpoint(c, deps.keyring, orgId, {
          url: target,
          description: req.body.description ?? null,
          eventTypes: req.body.event_types,
        });
        await audit(
          'webhook_endpoint.create',
          { type: 'webhook_endpoint', id: created.row.id },
          { event_types: req.body.event_types },
        );
        return created;
      });
      return reply.status(201).send({ ...formatEndpoint(row), secret });
    },
  );

  app.get(
    '/webhook-endpoints',
    schema.list('Webhook endpoints of the organisation', endpointSchema, {
      status: z.enum(['active', 'disabled']).optional(),
    }),
    async (req) => org.listPage(req, listEndpoints, [req.query.status], (r) => [r.created_at, r.id], formatEndpoint),
  );

  app.get('/webhook-endpoints/:id', schema.byId('One webhook endpoint', endpointSchema), async (req) =>
    formatEndpoint(await org.one(req, getEndpoint, noSuchEndpoint)),
  );

  app.patch(
    '/webhook-endpoints/:id',
    schema.route('Change a webhook endpoint; status "active" re-enables it and clears its failure streak', {
      params: idParams,
      body: z.object({
        url: url.optional(),
        description: description.optional(),
        event_types: eventTypes.optional(),
        status: z.enum(['active', 'disabled']).optional(),
      }),
      response: { 200: endpointSchema, ...mutationErrors },
    }),
    async (req) => {
      const b = req.body;
      const target = b.url === undefined ? undefined : await endpointUrl(b.url, deps);
      const row = await org.tx(req, async (c, orgId, audit) => {
        const updated = await updateEndpoint(c, orgId, req.params.id, {
          url: target,
          description: b.description,
          eventTypes: b.event_types,
          status: b.status,
        });
        if (updated)
          await audit(
            'webhook_endpoint.update',
            { type: 'webhook_endpoint', id: req.params.id },
            { fields: Object.keys(b), ...(b.status ? { status: b.status } : {}) },
          );
        return updated;
      });
      return formatEndpoint(found(row, noSuchEndpoint));
    },
  );

  app.delete(
    '/webhook-endpoints/:id',
    schema.onId('Delete a webhook endpoint and its delivery log', {
      200: z.object({ id: z.string(), deleted: z.literal(true) }),
    }),
    async (req) => {
      const deleted = await org.tx(req, async (c, orgId, audit) => {
        const gone = await deleteEndpoint(c, orgId, req.params.id);
        if (gone) await audit('webhook_endpoint.delete', { type: 'webhook_endpoint', id: req.params.id });
        return gone;
      });
      found(deleted, noSuchEndpoint);
      return { id: req.params.id, deleted: true as const };
    },
  );

  app.post(
    '/webhook-endpoints/:id/rotate-secret',
    schema.onId('New signing secret, shown once; the old one also signs for 24 hours', { 200: withSecret }),
    async (req) => {
      const rotated = await org.tx(req, async (c, orgId, audit) => {
        const r = await rotateEndpointSecret(c, deps.keyring, orgId, req.params.id, deps.clock.now());
        if (r) await audit('webhook_endpoint.secret.rotate', { type: 'webhook_endpoint', id: req.params.id });
        return r;
      });
      const { row, secret } = found(rotated, noSuchEndpoint);
      return { ...formatEndpoint(row), secret };
    },
  );

  app.get(
    '/webhook-endpoints/:id/deliveries',
    schema.route('Delivery log of a webhook endpoint', {
      params: idParams,
      querystring: pageQuery.extend({
        status: z.enum(['pending', 'succeeded', 'failed', 'retrying', 'disabled']).optional(),
      }),
      response: { 200: pageSchema(deliverySchema) },
    }),
    async (req) =>
      org.listPage(
        req,
        deliveriesOfEndpoint,
        [req.params.id, req.query.status],
        (r) => [r.created_at, r.id],
        formatDelivery,
      ),
  );

  app.post(
    '/webhook-endpoints/:id/test',
    schema.onId('Send a webhook.test event to this endpoint now', { 202: deliverySchema, 409: errorSchema }),
    async (req, reply) => {
      const row = await org.tx(req, (c, orgId) => sendTestEvent(c, orgId, req.params.id));
      return reply.status(202).send(formatDelivery(row));
    },
  );
});
