import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EVENT_TYPES } from '../../../connections/events.ts';
import { plexusError } from '../../../core/errors.ts';
import type { PoolClient } from '../../../db/pool.ts';
import { withOrgTx } from '../../../db/tx.ts';
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
import { orgOf } from '../../plugins/auth.ts';
import { decodeCursor, page, pageQuery, pageSchema } from '../../pagination.ts';
import { authErrors, errorSchema, idParams } from '../../schemas.ts';
import { deliverySchema } from './webhook-deliveries.ts';
import { byRequest } from '../../../audit/actor.ts';
import { recordAudit } from '../../../audit/record.ts';

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

const mutationErrors = { 409: errorSchema, 422: errorSchema, ...authErrors } as const;

export const webhookEndpointRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const inOrg = <T>(orgId: string, fn: (c: PoolClient) => Promise<T>) => withOrgTx(deps.db.app, orgId, fn);
  const found = <T>(row: T | undefined): T => {
    if (!row) throw plexusError('not_found', { message: 'No such webhook endpoint.' });
    return row;
  };

  app.post(
    '/webhook-endpoints',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Create a webhook endpoint; its signing secret is shown once',
        body: z.object({ url, description: description.optional(), event_types: eventTypes.default([]) }),
        response: { 201: withSecret, ...mutationErrors },
      },
    },
    async (req, reply) => {
      const orgId = orgOf(req);
      const target = await endpointUrl(req.body.url, deps);
      const { row, secret } = await inOrg(orgId, async (c) => {
        const created = await createEndpoint(c, deps.keyring, orgId, {
          url: target,
          description: req.body.description ?? null,
          eventTypes: req.body.event_types,
        });
        await recordAudit(c, orgId, {
          ...byRequest(req),
          action: 'webhook_endpoint.create',
          target: { type: 'webhook_endpoint', id: created.row.id },
          details: { event_types: req.body.event_types },
        });
        return created;
      });
      return reply.status(201).send({ ...formatEndpoint(row), secret });
    },
  );

  app.get(
    '/webhook-endpoints',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Webhook endpoints of the organisation',
        querystring: pageQuery.extend({ status: z.enum(['active', 'disabled']).optional() }),
        response: { 200: pageSchema(endpointSchema), ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const cur = decodeCursor(req.query.cursor);
      const rows = await inOrg(orgId, (c) => listEndpoints(c, orgId, req.query.status, cur, req.query.limit + 1));
      const p = page(rows, req.query.limit, (r) => [r.created_at, r.id]);
      return { data: p.data.map(formatEndpoint), next_cursor: p.next_cursor };
    },
  );

  app.get(
    '/webhook-endpoints/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'One webhook endpoint',
        params: idParams,
        response: { 200: endpointSchema, ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      return formatEndpoint(found(await inOrg(orgId, (c) => getEndpoint(c, orgId, req.params.id))));
    },
  );

  app.patch(
    '/webhook-endpoints/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Change a webhook endpoint; status "active" re-enables it and clears its failure streak',
        params: idParams,
        body: z.object({
          url: url.optional(),
          description: description.optional(),
          event_types: eventTypes.optional(),
          status: z.enum(['active', 'disabled']).optional(),
        }),
        response: { 200: endpointSchema, ...mutationErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const b = req.body;
      const target = b.url === undefined ? undefined : await endpointUrl(b.url, deps);
      const row = await inOrg(orgId, async (c) => {
        const updated = await updateEndpoint(c, orgId, req.params.id, {
          url: target,
          description: b.description,
          eventTypes: b.event_types,
          status: b.status,
        });
        if (updated)
          await recordAudit(c, orgId, {
            ...byRequest(req),
            action: 'webhook_endpoint.update',
            target: { type: 'webhook_endpoint', id: req.params.id },
            details: { fields: Object.keys(b), ...(b.status ? { status: b.status } : {}) },
          });
        return updated;
      });
      return formatEndpoint(found(row));
    },
  );

  app.delete(
    '/webhook-endpoints/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Delete a webhook endpoint and its delivery log',
        params: idParams,
        response: { 200: z.object({ id: z.string(), deleted: z.literal(true) }), ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const deleted = await inOrg(orgId, async (c) => {
        const gone = await deleteEndpoint(c, orgId, req.params.id);
        if (gone)
          await recordAudit(c, orgId, {
            ...byRequest(req),
            action: 'webhook_endpoint.delete',
            target: { type: 'webhook_endpoint', id: req.params.id },
          });
        return gone;
      });
      if (!deleted) throw plexusError('not_found', { message: 'No such webhook endpoint.' });
      return { id: req.params.id, deleted: true as const };
    },
  );

  app.post(
    '/webhook-endpoints/:id/rotate-secret',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'New signing secret, shown once; the old one also signs for 24 hours',
        params: idParams,
        response: { 200: withSecret, ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const r = found(
        await inOrg(orgId, async (c) => {
          const rotated = await rotateEndpointSecret(c, deps.keyring, orgId, req.params.id, deps.clock.now());
          if (rotated)
            await recordAudit(c, orgId, {
              ...byRequest(req),
              action: 'webhook_endpoint.secret.rotate',
              target: { type: 'webhook_endpoint', id: req.params.id },
            });
          return rotated;
        }),
      );
      return { ...formatEndpoint(r.row), secret: r.secret };
    },
  );

  app.get(
    '/webhook-endpoints/:id/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Delivery log of a webhook endpoint',
        params: idParams,
        querystring: pageQuery.extend({
          status: z.enum(['pending', 'succeeded', 'failed', 'retrying', 'disabled']).optional(),
        }),
        response: { 200: pageSchema(deliverySchema), ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const cur = decodeCursor(req.query.cursor);
      const rows = await inOrg(orgId, async (c) => {
        found(await getEndpoint(c, orgId, req.params.id));
        return listDeliveries(c, orgId, req.params.id, req.query.status, cur, req.query.limit + 1);
      });
      const p = page(rows, req.query.limit, (r) => [r.created_at, r.id]);
      return { data: p.data.map(formatDelivery), next_cursor: p.next_cursor };
    },
  );

  app.post(
    '/webhook-endpoints/:id/test',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Send a webhook.test event to this endpoint now',
        params: idParams,
        response: { 202: deliverySchema, 409: errorSchema, ...authErrors },
      },
    },
    async (req, reply) => {
      const orgId = orgOf(req);
      const row = await inOrg(orgId, (c) => sendTestEvent(c, orgId, req.params.id));
      return reply.status(202).send(formatDelivery(row));
    },
  );
};
