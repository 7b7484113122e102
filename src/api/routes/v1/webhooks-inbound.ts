import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { withOrgTx } from '../../../db/tx.ts';
import { getConnection, setWebhookSecret } from '../../../connections/repo.ts';
import { PROVIDER_IDS, type ProviderId, providers } from '../../../providers/registry.ts';
import { seal } from '../../../vault/cipher.ts';
import { getInbound, listInbound } from '../../../webhooks/ingress/inbox-store.ts';
import { webhookSecretCtx } from '../../../webhooks/ingress/ingest.ts';
import type { AppDeps } from '../../deps.ts';
import { orgOf } from '../../plugins/auth.ts';
import { decodeCursor, page, pageQuery, pageSchema } from '../../pagination.ts';
import { authErrors, errorSchema, idParams } from '../../schemas.ts';
import { byRequest } from '../../../audit/actor.ts';
import { recordAudit } from '../../../audit/record.ts';
import { inboundWebhookStatus, freeFormObject } from '../../openapi/components.ts';

const inboundSchema = z.object({
  id: z.string(),
  provider: z.string(),
  connection_id: z.string().nullable(),
  topic: z.string().nullable(),
  account_ref: z.string().nullable(),
  status: inboundWebhookStatus,
  attempts: z.number(),
  last_error: z.string().nullable(),
  received_at: z.date(),
  processed_at: z.date().nullable(),
  payload: freeFormObject.optional(),
});

export const inboundWebhookRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/webhooks/inbound',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Platform events received for this organisation, with their processing status',
        querystring: pageQuery.extend({
          provider: z.enum(PROVIDER_IDS).optional(),
          status: z.enum(['received', 'processed', 'failed']).optional(),
          connection_id: z.string().uuid().optional(),
        }),
        response: { 200: pageSchema(inboundSchema), ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const q = req.query;
      const cur = decodeCursor(q.cursor);
      const filters = { provider: q.provider, status: q.status, connectionId: q.connection_id };
      const rows = await withOrgTx(deps.db.app, orgId, (c) => listInbound(c, orgId, filters, cur, q.limit + 1));
      return page(rows, q.limit, (r) => [r.received_at, r.id]);
    },
  );

  app.get(
    '/webhooks/inbound/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'One inbound event with its payload',
        params: idParams,
        response: { 200: inboundSchema, ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const row = await withOrgTx(deps.db.app, orgId, (c) => getInbound(c, orgId, req.params.id));
      if (!row) throw plexusError('not_found', { message: 'No such inbound event.' });
      return row;
    },
  );

  app.post(
    '/connections/:id/webhook-secret',
    {
      schema: {
        tags: ['webhooks'],
        summary: "Create (or rotate) the connection's webhook secret for a site plugin; shown once",
        params: idParams,
        response: {
          201: z.object({
            url: z.string(),
            secret: z.string(),
            signature_header: z.string(),
            timestamp_header: z.string().nullable(),
          }),
          409: errorSchema,
          ...authErrors,
        },
      },
    },
    async (req, reply) => {
      const orgId = orgOf(req);
      const result = await withOrgTx(deps.db.app, orgId, async (c) => {
        const row = await getConnection(c, orgId, req.params.id);
        if (!row) throw plexusError('not_found', { message: 'No such connection.' });
        const wh = providers[row.provider as ProviderId].webhooks;
        if (!wh.supported || wh.secretSource !== 'per_connection') {
          throw plexusError('conflict', {
            message: `${providers[row.provider as ProviderId].displayName} webhooks are verified with the platform app's secret, not a per-connection one.`,
          });
        }
        const secret = `pxwh_${randomBytes(32).toString('base64url')}`;
        const sealed = await seal(deps.keyring, secret, webhookSecretCtx(orgId, row.id));
        await setWebhookSecret(c, orgId, row.id, sealed);
        await recordAudit(c, orgId, {
          ...byRequest(req),
          action: 'connection.webhook_secret.rotate',
          target: { type: 'connection', id: row.id },
        });
        return {
          url: `${deps.publicUrl()}/webhooks/${row.provider}/${row.id}`,
          secret,
          signature_header: wh.signatureHeader,
          timestamp_header: wh.timestampHeader ?? null,
        };
      });
      return reply.status(201).send(result);
    },
  );
};
