import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../api/deps.ts';
import { orgOf } from '../api/plugins/auth.ts';
import { authErrors, errorSchema, idParams } from '../api/schemas.ts';
import { orgErasure } from '../api/openapi/components.ts';
import { actorOf } from '../audit/actor.ts';
import { plexusError } from '../core/errors.ts';
import { eraseOrg } from './erasure.ts';

const erasedSchema = orgErasure;

const erasureDeps = (deps: AppDeps) => ({ ...deps.providers, db: deps.db, keyring: deps.keyring, log: deps.log });

/** DELETE /v1/org: the key's own organisation, named again in `confirm` so it is never an accident. */
export const orgErasureRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.delete(
    '/org',
    {
      schema: {
        tags: ['org'],
        summary: 'Erase the organisation: connections revoked, every row deleted, its keys destroyed. Irreversible.',
        querystring: z.object({ confirm: z.string().uuid().describe('the organisation id, again') }),
        response: { 200: erasedSchema, ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      if (req.query.confirm.toLowerCase() !== orgId) {
        throw plexusError('validation_failed', {
          message: 'confirm must be the id of the organisation being erased.',
          details: [{ path: 'confirm', in: 'querystring', message: 'not this organisation' }],
        });
      }
      const r = await eraseOrg(erasureDeps(deps), orgId, actorOf(req), req.id);
      if (!r) throw plexusError('not_found', { message: 'No such organisation.' });
      return { id: orgId, erased: true as const, ...r };
    },
  );
};

/** DELETE /v1/admin/orgs/:id: the same, for the host application's back office. */
export const adminOrgErasureRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.delete(
    '/orgs/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Erase an organisation: connections revoked, every row deleted, its keys destroyed. Irreversible.',
        params: idParams,
        response: { 200: erasedSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema },
      },
    },
    async (req) => {
      const r = await eraseOrg(erasureDeps(deps), req.params.id, { type: 'admin' }, req.id);
      if (!r) throw plexusError('not_found', { message: 'No such organisation.' });
      return { id: req.params.id, erased: true as const, ...r };
    },
  );
};
