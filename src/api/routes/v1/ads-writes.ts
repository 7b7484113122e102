import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withConnection } from '../../../connections/access.ts';
import { plexusError } from '../../../core/errors.ts';
import { withOrgTx } from '../../../db/tx.ts';
import { adsWriteFor, type ProviderId } from '../../../providers/registry.ts';
import { getAdAccount, liveEntityAccountId, markEntityDeleted, upsertEntities } from '../../../sync/ads/store.ts';
import type {
  AdEntityRecord,
  AdLevel,
  AdsSyncContext,
  AdsWriteAdapter,
  CampaignInput,
} from '../../../providers/contracts/ads.ts';
import { decodeAdsEntityId, encodeAdsEntityId } from '../../ads-entity-id.ts';
import type { AppDeps } from '../../deps.ts';
import { orgOf } from '../../plugins/auth.ts';
import { authErrors, errorSchema } from '../../schemas.ts';
import { byRequest } from '../../../audit/actor.ts';
import { recordAudit, type AuditEntry } from '../../../audit/record.ts';
import type { FastifyRequest } from 'fastify';
import type { OperationType } from '../../../operations/kinds.ts';
import { recorderFor } from '../../../operations/recorder.ts';
import { withOperation } from '../../../operations/run.ts';
import { adLevel, adStatus } from '../../openapi/components.ts';

const NO_RUN = '00000000-0000-0000-0000-000000000000';
const micros = z.string().regex(/^\d+$/, 'integer micros as a string');
const campaignBody = z.object({
  name: z.string().min(1).max(400).optional(),
  objective: z.string().max(100).optional(),
  status: z.enum(['active', 'paused']).optional(),
  daily_budget_micros: micros.optional(),
  lifetime_budget_micros: micros.optional(),
  start_at: z.string().datetime({ offset: true }).optional(),
  end_at: z.string().datetime({ offset: true }).optional(),
});
const written = z.object({
  id: z.string(),
  platform_id: z.string(),
  level: adLevel,
  name: z.string().nullable(),
  status: adStatus,
  daily_budget_micros: z.string().nullable(),
  lifetime_budget_micros: z.string().nullable(),
});

const input = (b: z.infer<typeof campaignBody>): CampaignInput => ({
  ...(b.name !== undefined ? { name: b.name } : {}),
  ...(b.objective !== undefined ? { objective: b.objective } : {}),
  ...(b.status !== undefined ? { status: b.status } : {}),
  ...(b.daily_budget_micros !== undefined ? { dailyBudgetMicros: BigInt(b.daily_budget_micros) } : {}),
  ...(b.lifetime_budget_micros !== undefined ? { lifetimeBudgetMicros: BigInt(b.lifetime_budget_micros) } : {}),
  ...(b.start_at !== undefined ? { startAt: b.start_at } : {}),
  ...(b.end_at !== undefined ? { endAt: b.end_at } : {}),
});

const format = (connectionId: string, e: AdEntityRecord) => ({
  id: encodeAdsEntityId(connectionId, e.level, e.platformId),
  platform_id: e.platformId,
  level: e.level,
  name: e.name,
  status: e.status,
  daily_budget_micros: e.dailyBudgetMicros == null ? null : e.dailyBudgetMicros.toString(),
  lifetime_budget_micros: e.lifetimeBudgetMicros == null ? null : e.lifetimeBudgetMicros.toString(),
});

/**
 * Campaign writes through one API on every platform with a writer: translated to the
 * platform's call and units; the platform's validation errors come back as 422 with its
 * message; the stored model reflects the write at once.
 */
export const adsWriteRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const rdeps = { ...deps.providers, db: deps.db, keyring: deps.keyring, log: deps.log };

  /** One write on the platform, recorded as an operation of the org with the API key as actor. */
  async function withWriter<T>(
    orgId: string,
    connectionId: string,
    accountId: string,
    fn: (w: AdsWriteAdapter, s: AdsSyncContext, account: AdEntityRecord) => Promise<T>,
    type: OperationType,
    req: FastifyRequest,
  ): Promise<T> {
    const acct = await withOrgTx(deps.db.app, orgId, (c) => getAdAccount(c, orgId, connectionId, accountId));
    if (!acct) throw plexusError('not_found', { message: 'No such ad account on this connection (sync it first).' });
    const account: AdEntityRecord = {
      level: 'account',
      platformId: acct.platform_id,
      accountPlatformId: acct.platform_id,
      parentPlatformId: null,
      name: null,
      status: 'active',
      platformStatus: null,
      currency: acct.currency,
      timeZone: acct.time_zone,
      raw: acct.raw,
    };
    // Recorded once the account is known to be the org's: a request for another org's ids logs nothing.
    return withOperation(
      recorderFor(deps.db.owner, deps.log),
      { orgId, type, connectionId, actor: `api_key:${req.auth?.keyId ?? 'unknown'}` },
      () =>
        withConnection(rdeps, orgId, connectionId, async (a) => {
          const w = adsWriteFor(a.row.provider as ProviderId);
          if (!w)
            throw plexusError('conflict', { message: `Writing campaigns is not available for ${a.row.provider} yet.` });
          return fn(w, { connector: a.connector, ctx: a.ctx, creds: a.creds, since: '', until: '' }, account);
        }),
    );
  }
  const store = (orgId: string, connectionId: string, e: AdEntityRecord, audit: AuditEntry) =>
    withOrgTx(deps.db.app, orgId, async (c) => {
      await upsertEntities(c, orgId, connectionId, NO_RUN, [e]);
      await recordAudit(c, orgId, {
        ...audit,
        target: { type: `ads.${e.level}`, id: encodeAdsEntityId(connectionId, e.level, e.platformId) },
        details: { ...audit.details, connection_id: connectionId, platform_id: e.platformId },
      });
    });
  const locate = async (orgId: string, id: string, level: AdLevel) => {
    const ref = decodeAdsEntityId(id);
    if (ref.level !== level) throw plexusError('not_found', { message: 'No such ads object.' });
    const accountId = await withOrgTx(deps.db.app, orgId, (c) =>
      liveEntityAccountId(c, orgId, ref.connectionId, level, ref.platformId),
    );
    if (accountId === undefined) throw plexusError('not_found', { message: 'No such ads object.' });
    return { ...ref, accountId };
  };

  app.post(
    '/ads/campaigns',
    {
      schema: {
        tags: ['ads'],
        summary: 'Create a campaign on the platform',
        body: campaignBody.extend({
          connection_id: z.string().uuid(),
          account_id: z.string().min(1).max(100),
          name: z.string().min(1).max(400),
        }),
        response: { 201: written, 409: errorSchema, 422: errorSchema, ...authErrors },
      },
    },
    async (req, reply) => {
      const orgId = orgOf(req);
      const e = await withWriter(
        orgId,
        req.body.connection_id,
        req.body.account_id,
        (w, s, account) => w.createCampaign(s, account, input(req.body)),
        'campaign_create',
        req,
      );
      await store(orgId, req.body.connection_id, e, {
        ...byRequest(req),
        action: 'ads.campaign.create',
        details: { fields: Object.keys(req.body) },
      });
      return reply.status(201).send(format(req.body.connection_id, e));
    },
  );

  app.patch(
    '/ads/campaigns/:id',
    {
      schema: {
        tags: ['ads'],
        summary: 'Update a campaign (name, status, budgets, schedule)',
        params: z.object({ id: z.string().max(500) }),
        body: campaignBody,
        response: { 200: written, 409: errorSchema, 422: errorSchema, ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const ref = await locate(orgId, req.params.id, 'campaign');
      const e = await withWriter(
        orgId,
        ref.connectionId,
        ref.accountId,
        (w, s, account) => w.updateCampaign(s, account, ref.platformId, input(req.body)),
        'campaign_update',
        req,
      );
      await store(orgId, ref.connectionId, e, {
        ...byRequest(req),
        action: 'ads.campaign.update',
        details: { fields: Object.keys(req.body) },
      });
      return format(ref.connectionId, e);
    },
  );

  app.delete(
    '/ads/campaigns/:id',
    {
      schema: {
        tags: ['ads'],
        summary: 'Delete a campaign on the platform',
        params: z.object({ id: z.string().max(500) }),
        response: {
          200: z.object({ id: z.string(), deleted: z.literal(true) }),
          409: errorSchema,
          422: errorSchema,
          ...authErrors,
        },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const ref = await locate(orgId, req.params.id, 'campaign');
      await withWriter(
        orgId,
        ref.connectionId,
        ref.accountId,
        (w, s, account) => w.deleteCampaign(s, ref.platformId, account),
        'campaign_delete',
        req,
      );
      await withOrgTx(deps.db.app, orgId, async (c) => {
        await markEntityDeleted(c, orgId, ref.connectionId, 'campaign', ref.platformId);
        await recordAudit(c, orgId, {
          ...byRequest(req),
          action: 'ads.campaign.delete',
          target: { type: 'ads.campaign', id: req.params.id },
          details: { connection_id: ref.connectionId, platform_id: ref.platformId },
        });
      });
      return { id: req.params.id, deleted: true as const };
    },
  );

  for (const [path, level] of [
    ['campaigns', 'campaign'],
    ['ad-groups', 'ad_group'],
    ['ads', 'ad'],
  ] as const) {
    for (const action of ['pause', 'resume'] as const) {
      app.post(
        `/ads/${path}/:id/${action}`,
        {
          schema: {
            tags: ['ads'],
            summary: `${action === 'pause' ? 'Pause' : 'Resume'} on the platform`,
            params: z.object({ id: z.string().max(500) }),
            response: { 200: written, 409: errorSchema, 422: errorSchema, ...authErrors },
          },
        },
        async (req) => {
          const orgId = orgOf(req);
          const ref = await locate(orgId, req.params.id, level);
          const e = await withWriter(
            orgId,
            ref.connectionId,
            ref.accountId,
            (w, s, account) => w.setStatus(s, account, level, ref.platformId, action === 'pause' ? 'paused' : 'active'),
            `ads_${action}`,
            req,
          );
          await store(orgId, ref.connectionId, e, {
            ...byRequest(req),
            action: action === 'pause' ? 'ads.entity.pause' : 'ads.entity.resume',
          });
          return format(ref.connectionId, e);
        },
      );
    }
  }
};
