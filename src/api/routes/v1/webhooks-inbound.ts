import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { getConnection, setWebhookSecret } from '../../../connections/repo.ts';
import { PROVIDER_IDS, type ProviderId, providers } from '../../../providers/registry.ts';
import { seal } from '../../../vault/cipher.ts';
import { getInbound, listInbound } from '../../../webhooks/ingress/inbox-store.ts';
import { webhookSecretCtx } from '../../../webhooks/ingress/ingest.ts';
import { found } from '../../found.ts';
import { orgRoutePlugin } from '../../org-routes.ts';
import { errorSchema } from '../../schemas.ts';
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

export const inboundWebhookRoutes = orgRoutePlugin('webhooks', async (app, { deps, org, schema }) => {
  app.get(
    '/webhooks/inbound',
    schema.list('Platform events received for this organisation, with their processing status', inboundSchema, {
      provider: z.enum(PROVIDER_IDS).optional(),
      status: z.enum(['received', 'processed', 'failed']).optional(),
      connection_id: z.string().uuid().optional(),
    }),
    async (req) => {
      const q = req.query;
      const filters = { provider: q.provider, status: q.status, connectionId: q.connection_id };
      return org.listPage(req, listInbound, [filters], (r) => [r.received_at, r.id]);
    },
  );

  app.get('/webhooks/inbound/:id', schema.byId('One inbound event with its payload', inboundSchema), async (req) =>
    org.one(req, getInbound, 'No such inbound event.'),
  );

  app.post(
    '/connections/:id/webhook-secret',
    schema.onId("Create (or rotate) the connection's webhook secret for a site plugin; shown once", {
      201: z.object({
        url: z.string(),
        secret: z.string(),
        signature_header: z.string(),
        timestamp_header: z.string().nullable(),
      }),
      409: errorSchema,
    }),
    async (req, reply) => {
      const result = await org.tx(req, async (c, orgId, audit) => {
        const row = found(await getConnection(c, orgId, req.params.id), 'No such connection.');
        const wh = providers[row.provider as ProviderId].webhooks;
        if (!wh.supported || wh.secretSource !== 'per_connection') {
          throw plexusError('conflict', {
            message: `${providers[row.provider as ProviderId].displayName} webhooks are verified with the platform app's secret, not a per-connection one.`,
          });
        }
        const secret = `pxwh_${randomBytes(32).toString('base64url')}`;
        const sealed = await seal(deps.keyring, secret, webhookSecretCtx(orgId, row.id));
        await setWebhookSecret(c, orgId, row.id, sealed);
        await audit('connection.webhook_secret.rotate', { type: 'connection', id: row.id });
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
});
