import { z } from 'zod';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from '../../../tenancy/api-keys.ts';
import { found } from '../../found.ts';
import { orgRoutePlugin } from '../../org-routes.ts';
import { errorSchema } from '../../schemas.ts';

const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  created_at: z.date(),
  last_used_at: z.date().nullable(),
  revoked_at: z.date().nullable(),
});

const format = (r: ApiKeyRow) => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  created_at: r.created_at,
  last_used_at: r.last_used_at,
  revoked_at: r.revoked_at,
});

export const apiKeyRoutes = orgRoutePlugin('api-keys', async (app, { org, schema }) => {
  app.get('/api-keys', schema.list('List API keys', apiKeySchema), async (req) =>
    org.listPage(req, listApiKeys, [], (r) => [r.created_at, r.id], format),
  );

  app.post(
    '/api-keys',
    schema.route('Create an API key; the key is shown once', {
      body: z.object({ name: z.string().min(1).max(200) }),
      response: { 201: apiKeySchema.extend({ key: z.string() }) },
    }),
    async (req, reply) => {
      const { key, row } = await org.tx(req, async (c, orgId, audit) => {
        const created = await createApiKey(c, orgId, req.body.name);
        await audit('api_key.create', { type: 'api_key', id: created.row.id }, { prefix: created.row.prefix });
        return created;
      });
      return reply.status(201).send({ ...format(row), key });
    },
  );

  app.delete(
    '/api-keys/:id',
    schema.onId('Revoke an API key', { 200: apiKeySchema, 409: errorSchema }),
    async (req) => {
      const row = await org.tx(req, async (c, orgId, audit) => {
        const revoked = await revokeApiKey(c, orgId, req.params.id);
        if (revoked) await audit('api_key.revoke', { type: 'api_key', id: req.params.id }, { prefix: revoked.prefix });
        return revoked;
      });
      return format(found(row, 'No such API key.'));
    },
  );
});
