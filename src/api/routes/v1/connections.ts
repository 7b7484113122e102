import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { withOrgTx } from '../../../db/tx.ts';
import { deleteConnection } from '../../../connections/disconnect.ts';
import { formatConnection } from '../../../connections/format.ts';
import { refreshConnection } from '../../../connections/refresh.ts';
import { getConnection, listConnections, updateConnectionSettings } from '../../../connections/repo.ts';
import { PROVIDER_IDS, type ProviderId, providers } from '../../../providers/registry.ts';
import { orgOf } from '../../plugins/auth.ts';
import { found } from '../../found.ts';
import { orgRoutePlugin } from '../../org-routes.ts';
import { errorSchema, idParams } from '../../schemas.ts';
import { byRequest } from '../../../audit/actor.ts';
import { connectionStatus, conflictPolicy, refreshOutcome } from '../../openapi/components.ts';

const connectionSchema = z.object({
  id: z.string(),
  provider: z.string(),
  status: connectionStatus,
  display_name: z.string().nullable(),
  external_account_id: z.string().nullable(),
  end_user_ref: z.string().nullable(),
  config: z.record(z.string(), z.string()),
  scopes: z.array(z.string()),
  expires_at: z.date().nullable(),
  refresh_expires_at: z.date().nullable(),
  next_refresh_at: z.date().nullable(),
  last_refreshed_at: z.date().nullable(),
  last_refresh_error: z.string().nullable(),
  sync_interval_minutes: z.number().nullable(),
  conflict_policy: conflictPolicy,
  last_sync_at: z.date().nullable(),
  /** Set while the platform refuses the API version Plexus calls (past its sunset); cleared by the next successful call. */
  api_version_error: z
    .object({
      code: z.literal('provider.version_sunset'),
      message: z.string(),
      version: z.string(),
      seen_at: z.string(),
    })
    .nullable(),
  created_at: z.date(),
  updated_at: z.date(),
});

const noSuchConnection = 'No such connection.';

export const connectionRoutes = orgRoutePlugin('connections', async (app, { deps, org, schema }) => {
  const refreshDeps = { ...deps.providers, db: deps.db, keyring: deps.keyring, log: deps.log };
  const load = async (orgId: string, id: string) =>
    found(await withOrgTx(deps.db.app, orgId, (c) => getConnection(c, orgId, id)), noSuchConnection);

  app.get(
    '/connections',
    schema.list('Connections of the organisation', connectionSchema, {
      provider: z.enum(PROVIDER_IDS).optional(),
      status: z.enum(['active', 'needs_reauth', 'error', 'pending']).optional(),
      end_user_ref: z.string().max(200).optional(),
    }),
    async (req) => {
      const q = req.query;
      const filters = { provider: q.provider, status: q.status, endUserRef: q.end_user_ref };
      return org.listPage(req, listConnections, [filters], (r) => [r.created_at, r.id], formatConnection);
    },
  );

  app.get('/connections/:id', schema.byId('One connection', connectionSchema), async (req) =>
    formatConnection(await load(orgOf(req), req.params.id)),
  );

  app.patch(
    '/connections/:id',
    schema.route(
      "Change a connection's settings: its sync interval (null: the default; 0: no scheduled syncs) and how content conflicts resolve",
      {
        params: idParams,
        body: z
          .object({
            sync_interval_minutes: z.number().int().min(0).max(525_600).nullable().optional(),
            conflict_policy: z.enum(['hub_wins', 'remote_wins', 'latest_wins', 'manual']).optional(),
          })
          .refine((b) => b.sync_interval_minutes !== undefined || b.conflict_policy !== undefined, {
            message: 'Nothing to change.',
          }),
        response: { 200: connectionSchema },
      },
    ),
    async (req) => {
      const orgId = orgOf(req);
      await load(orgId, req.params.id);
      await org.tx(req, async (c, orgId, audit) => {
        await updateConnectionSettings(c, orgId, req.params.id, {
          syncIntervalMinutes: req.body.sync_interval_minutes,
          conflictPolicy: req.body.conflict_policy,
        });
        await audit('connection.update', { type: 'connection', id: req.params.id }, { ...req.body });
      });
      return formatConnection(await load(orgId, req.params.id));
    },
  );

  app.delete(
    '/connections/:id',
    schema.onId('Delete a connection (revoking it at the platform where possible)', {
      200: z.object({ id: z.string(), deleted: z.literal(true), revoked_at_platform: z.boolean() }),
    }),
    async (req) => {
      const orgId = orgOf(req);
      const result = found(await deleteConnection(refreshDeps, orgId, req.params.id, byRequest(req)), noSuchConnection);
      return { id: req.params.id, deleted: true as const, revoked_at_platform: result.revoked };
    },
  );

  app.post(
    '/connections/:id/refresh',
    schema.onId('Refresh the connection token now', {
      200: connectionSchema.extend({ outcome: refreshOutcome }),
      409: errorSchema,
      422: errorSchema,
    }),
    async (req) => {
      const orgId = orgOf(req);
      const row = await load(orgId, req.params.id);
      if (providers[row.provider as ProviderId].auth.refresh === 'none') {
        throw plexusError('conflict', {
          message: `${providers[row.provider as ProviderId].displayName} tokens do not expire and cannot be refreshed.`,
        });
      }
      if (row.status !== 'active')
        throw plexusError('conflict', { message: `The connection is ${row.status}; reconnect it instead.` });
      const outcome = await refreshConnection(refreshDeps, orgId, row.id, {
        kind: 'forced',
        seenVersion: row.token_version,
      });
      // The refresh commits on its own (lease, platform call, new tokens); its record follows it.
      await org.tx(req, (_c, _orgId, audit) =>
        audit('connection.credentials.refresh', { type: 'connection', id: row.id }, { outcome }),
      );
      // The platform said no for good: an error the caller cannot miss, not a 200 to parse.
      if (outcome === 'needs_reauth') {
        const after = await load(orgId, row.id);
        throw plexusError('refresh_refused', {
          details: { connection_id: row.id, status: after.status, reason: after.last_refresh_error ?? null },
        });
      }
      return { ...formatConnection(await load(orgId, row.id)), outcome };
    },
  );
});
