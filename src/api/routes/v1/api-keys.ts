import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { withOrgTx } from '../../../db/tx.ts';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from '../../../tenancy/api-keys.ts';
import type { AppDeps } from '../../deps.ts';
import { orgOf } from '../../plugins/auth.ts';
import { decodeCursor, page, pageQuery, pageSchema } from '../../pagination.ts';
import { authErrors, errorSchema, idParams } from '../../schemas.ts';
import { byRequest } from '../../../audit/actor.ts';
import { recordAudit } from '../../../audit/record.ts';

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

export const apiKeyRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/api-keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'List API keys',
        querystring: pageQuery,
        response: { 200: pageSchema(apiKeySchema), ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const cur = decodeCursor(req.query.cursor);
      const rows = await withOrgTx(deps.db.app, orgId, (c) => listApiKeys(c, orgId, cur, req.query.limit + 1));
      const p = page(rows, req.query.limit, (r) => [r.created_at, r.id]);
      return { data: p.data.map(format), next_cursor: p.next_cursor };
    },
  );

  app.post(
    '/api-keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key; the key is shown once',
        body: z.object({ name: z.string().min(1).max(200) }),
        response: { 201: apiKeySchema.extend({ key: z.string() }), ...authErrors },
      },
    },
    async (req, reply) => {
      const orgId = orgOf(req);
      const { key, row } = await withOrgTx(deps.db.app, orgId, async (c) => {
        const created = await createApiKey(c, orgId, req.body.name);
        await recordAudit(c, orgId, {
          ...byRequest(req),
          action: 'api_key.create',
          target: { type: 'api_key', id: created.row.id },
          details: { prefix: created.row.prefix },
        });
        return created;
      });
      return reply.status(201).send({ ...format(row), key });
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'Revoke an API key',
        params: idParams,
        response: { 200: apiKeySchema, 409: errorSchema, ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const row = await withOrgTx(deps.db.app, orgId, async (c) => {
        const revoked = await revokeApiKey(c, orgId, req.params.id);
        if (revoked)
          await recordAudit(c, orgId, {
            ...byRequest(req),
            action: 'api_key.revoke',
            target: { type: 'api_key', id: req.params.id },
            details: { prefix: revoked.prefix },
          });
        return revoked;
      });
      if (!row) throw plexusError('not_found', { message: 'No such API key.' });
      return format(row);
    },
  );
};
