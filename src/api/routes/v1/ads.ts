import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withOrgTx } from '../../../db/tx.ts';
import { listAdEntities, listMetricRevisions, sumMetrics } from '../../../sync/ads/read-store.ts';
import { encodeAdsEntityId } from '../../ads-entity-id.ts';
import type { AppDeps } from '../../deps.ts';
import { orgOf } from '../../plugins/auth.ts';
import { decodeCursor, encodeCursor, pageQuery, pageSchema } from '../../pagination.ts';
import { authErrors } from '../../schemas.ts';
import { adLevel, adStatus, freeFormObject, metricValues } from '../../openapi/components.ts';

const LEVELS = { accounts: 'account', campaigns: 'campaign', 'ad-groups': 'ad_group', ads: 'ad' } as const;

const entitySchema = z.object({
  id: z.string(),
  connection_id: z.string(),
  provider: z.string(),
  level: adLevel,
  platform_id: z.string(),
  account_id: z.string(),
  parent_id: z.string().nullable(),
  name: z.string().nullable(),
  status: adStatus,
  platform_status: z.string().nullable(),
  objective: z.string().nullable(),
  currency: z.string().nullable(),
  time_zone: z.string().nullable(),
  daily_budget_micros: z.string().nullable(),
  lifetime_budget_micros: z.string().nullable(),
  start_at: z.date().nullable(),
  end_at: z.date().nullable(),
  deleted_at: z.date().nullable(),
  updated_at: z.date(),
  raw: freeFormObject.optional(),
});

const filters = pageQuery.extend({
  connection_id: z.string().uuid().optional(),
  provider: z.string().max(40).optional(),
  status: z.enum(['active', 'paused', 'pending', 'archived', 'deleted', 'error', 'unknown']).optional(),
  account_id: z.string().max(100).optional(),
  include_raw: z.enum(['true', 'false']).optional(),
});

export const adsRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  for (const [path, level] of Object.entries(LEVELS)) {
    app.get(
      `/ads/${path}`,
      {
        schema: {
          tags: ['ads'],
          summary: `Unified ${path.replace('-', ' ')} across ad platforms`,
          querystring: filters,
          response: { 200: pageSchema(entitySchema), ...authErrors },
        },
      },
      async (req) => {
        const orgId = orgOf(req);
        const q = req.query;
        const cur = decodeCursor(q.cursor, 'text');
        const filters = {
          connectionId: q.connection_id,
          provider: q.provider,
          status: q.status,
          accountId: q.account_id,
        };
        const rows = await withOrgTx(deps.db.app, orgId, (c) =>
          listAdEntities(c, orgId, level, filters, cur, q.limit + 1),
        );
        const more = rows.length > q.limit;
        const data = (more ? rows.slice(0, q.limit) : rows).map((r) => ({
          id: encodeAdsEntityId(r.connection_id, r.level, r.platform_id),
          connection_id: r.connection_id,
          provider: r.provider,
          level: r.level,
          platform_id: r.platform_id,
          account_id: r.account_platform_id,
          parent_id: r.parent_platform_id,
          name: r.name,
          status: r.status,
          platform_status: r.platform_status,
          objective: r.objective,
          currency: r.currency,
          time_zone: r.time_zone,
          daily_budget_micros: r.daily_budget_micros === null ? null : String(r.daily_budget_micros),
          lifetime_budget_micros: r.lifetime_budget_micros === null ? null : String(r.lifetime_budget_micros),
          start_at: r.start_at,
          end_at: r.end_at,
          deleted_at: r.deleted_at,
          updated_at: r.updated_at,
          ...(q.include_raw === 'true' ? { raw: r.raw } : {}),
        }));
        const last = data[data.length - 1];
        return { data, next_cursor: more && last ? encodeCursor(last.updated_at, last.platform_id) : null };
      },
    );
  }

  app.get(
    '/ads/metrics',
    {
      schema: {
        tags: ['ads'],
        summary: 'Daily metrics, grouped by day, entity or provider; money stays per currency',
        querystring: z.object({
          since: z.string().date(),
          until: z.string().date(),
          level: z.enum(['account', 'campaign', 'ad_group', 'ad']).default('ad'),
          group_by: z.enum(['day', 'entity', 'provider']).default('day'),
          connection_id: z.string().uuid().optional(),
          provider: z.string().max(40).optional(),
        }),
        response: {
          200: z.object({
            data: z.array(
              z.object({
                key: z.string(),
                currency: z.string().nullable(),
                impressions: z.number(),
                clicks: z.number(),
                spend_micros: z.string(),
                conversions: z.number(),
              }),
            ),
          }),
          ...authErrors,
        },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const q = req.query;
      const rows = await withOrgTx(deps.db.app, orgId, (c) =>
        sumMetrics(c, orgId, {
          since: q.since,
          until: q.until,
          level: q.level,
          groupBy: q.group_by,
          connectionId: q.connection_id,
          provider: q.provider,
        }),
      );
      return {
        data: rows.map((r) => ({
          key: r.key,
          currency: r.currency,
          impressions: Number(r.impressions),
          clicks: Number(r.clicks),
          spend_micros: r.spend_micros,
          conversions: Number(r.conversions),
        })),
      };
    },
  );

  app.get(
    '/ads/metrics/revisions',
    {
      schema: {
        tags: ['ads'],
        summary: 'How restated metrics changed: previous and new values, and when',
        querystring: pageQuery.extend({
          connection_id: z.string().uuid().optional(),
          platform_id: z.string().max(100).optional(),
          date: z.string().date().optional(),
        }),
        response: {
          200: pageSchema(
            z.object({
              id: z.string(),
              connection_id: z.string(),
              level: adLevel,
              platform_id: z.string(),
              date: z.string(),
              previous: metricValues,
              current: metricValues,
              changed_at: z.date(),
            }),
          ),
          ...authErrors,
        },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const q = req.query;
      const cur = decodeCursor(q.cursor, 'text');
      const filters = { connectionId: q.connection_id, platformId: q.platform_id, date: q.date };
      const rows = await withOrgTx(deps.db.app, orgId, (c) => listMetricRevisions(c, orgId, filters, cur, q.limit + 1));
      const more = rows.length > q.limit;
      const data = more ? rows.slice(0, q.limit) : rows;
      const last = data[data.length - 1];
      return { data, next_cursor: more && last ? encodeCursor(last.changed_at, last.id) : null };
    },
  );
};
