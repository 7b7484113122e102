import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { withOrgTx } from '../../../db/tx.ts';
import { createSession, type SessionRow } from '../../../connections/sessions.ts';
import { getConnection } from '../../../connections/repo.ts';
import { PROVIDER_IDS } from '../../../providers/registry.ts';
import type { AppDeps } from '../../deps.ts';
import { orgOf } from '../../plugins/auth.ts';
import { authErrors, errorSchema, idParams } from '../../schemas.ts';
import { byRequest } from '../../../audit/actor.ts';
import { recordAudit } from '../../../audit/record.ts';
import { connectSessionStatus } from '../../openapi/components.ts';

const sessionSchema = z.object({
  id: z.string(),
  provider: z.string(),
  status: connectSessionStatus,
  scopes: z.array(z.string()),
  end_user_ref: z.string().nullable(),
  return_url: z.string().nullable(),
  connection_id: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  expires_at: z.date(),
  created_at: z.date(),
});

const format = (s: SessionRow) => ({
  id: s.id,
  provider: s.provider,
  status: s.status !== 'completed' && s.status !== 'failed' && s.expires_at.getTime() < Date.now() ? 'expired' : s.status,
  scopes: s.scopes,
  end_user_ref: s.end_user_ref,
  return_url: s.return_url,
  connection_id: s.connection_id,
  error: s.error_code ? { code: s.error_code, message: s.error_message ?? '' } : null,
  expires_at: s.expires_at,
  created_at: s.created_at,
});

export const connectSessionRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.post(
    '/connect-sessions',
    {
      schema: {
        tags: ['connections'],
        summary: 'Start connecting a platform; returns the URL of the connect page to send the end user to',
        body: z.object({
          provider: z.enum(PROVIDER_IDS),
          scopes: z.array(z.string().min(1).max(200)).max(50).optional(),
          end_user_ref: z.string().min(1).max(200).optional(),
          return_url: z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be http(s)').optional(),
          connection_id: z.string().uuid().optional(),
        }),
        response: { 201: sessionSchema.extend({ url: z.string() }), 409: errorSchema, ...authErrors },
      },
    },
    async (req, reply) => {
      const orgId = orgOf(req);
      const b = req.body;
      const { row, token } = await withOrgTx(deps.db.app, orgId, async (c) => {
        if (b.connection_id && !(await getConnection(c, orgId, b.connection_id))) throw plexusError('not_found', { message: 'No such connection to reconnect.' });
        const created = await createSession(c, orgId, { provider: b.provider, scopes: b.scopes ?? [], endUserRef: b.end_user_ref, returnUrl: b.return_url, connectionId: b.connection_id }, deps.clock.now());
        await recordAudit(c, orgId, { ...byRequest(req), action: 'connect_session.create', target: { type: 'connect_session', id: created.row.id }, details: { provider: b.provider, reconnect: b.connection_id ?? null } });
        return created;
      });
      return reply.status(201).send({ ...format(row), url: `${deps.publicUrl()}/connect/${token}` });
    },
  );

  app.get(
    '/connect-sessions/:id',
    { schema: { tags: ['connections'], summary: 'A connect session: its status, error or connection', params: idParams, response: { 200: sessionSchema, ...authErrors } } },
    async (req) => {
      const orgId = orgOf(req);
      const row = await withOrgTx(deps.db.app, orgId, async (c) => (await c.query<SessionRow>('select * from connect_sessions where org_id = $1 and id = $2', [orgId, req.params.id])).rows[0]);
      if (!row) throw plexusError('not_found', { message: 'No such connect session.' });
      return format(row);
    },
  );
};
