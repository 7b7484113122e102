import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withOrgTx } from '../../../db/tx.ts';
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
      { schema: { tags: ['ads'], summary: `Unified ${path.replace('-', ' ')} across ad platforms`, querystring: filters, response: { 200: pageSchema(entitySchema), ...authErrors } } },
      async (req) => {
        const orgId = orgOf(req);
        const q = req.query;
        const cur = decodeCursor(q.cursor, 'text');
        const rows = await withOrgTx(deps.db.app, orgId, async (c) =>
          (
            await c.query(
              `select e.*, c.provider from ad_entities e join connections c on c.org_id = e.org_id and c.id = e.connection_id
               where e.org_id = $1 and e.level = $2
                 and ($3::timestamptz is null or (e.updated_at, e.platform_id) < ($3, $4::text))
                 and ($5::uuid is null or e.connection_id = $5) and ($6::text is null or c.provider = $6)
                 and ($7::text is null or e.status = $7::ad_status) and ($8::text is null or e.account_platform_id = $8)
               order by e.updated_at desc, e.platform_id desc limit $9`,
              [orgId, level, cur?.at ?? null, cur?.id ?? null, q.connection_id ?? null, q.provider ?? null, q.status ?? null, q.account_id ?? null, q.limit + 1],
            )
          ).rows,
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
            data: z.array(z.object({ key: z.string(), currency: z.string().nullable(), impressions: z.number(), clicks: z.number(), spend_micros: z.string(), conversions: z.number() })),
          }),
          ...authErrors,
        },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const q = req.query;
      const key = q.group_by === 'day' ? 'm.date::text' : q.group_by === 'entity' ? 'm.platform_id' : 'c.provider';
      const rows = await withOrgTx(deps.db.app, orgId, async (c) =>
        (
          await c.query<{ key: string; currency: string | null; impressions: string; clicks: string; spend_micros: string; conversions: string }>(
            `select ${key} as key, m.currency, sum(m.impressions)::bigint as impressions, sum(m.clicks)::bigint as clicks,
                    sum(m.spend_micros)::text as spend_micros, sum(m.conversions)::float8 as conversions
             from ad_metrics_daily m join connections c on c.org_id = m.org_id and c.id = m.connection_id
             where m.org_id = $1 and m.date between $2 and $3 and m.level = $4
               and ($5::uuid is null or m.connection_id = $5) and ($6::text is null or c.provider = $6)
             group by 1, 2 order by 1, 2 limit 10000`,
            [orgId, q.since, q.until, q.level, q.connection_id ?? null, q.provider ?? null],
          )
        ).rows,
      );
      return { data: rows.map((r) => ({ key: r.key, currency: r.currency, impressions: Number(r.impressions), clicks: Number(r.clicks), spend_micros: r.spend_micros, conversions: Number(r.conversions) })) };
    },
  );

  app.get(
    '/ads/metrics/revisions',
    {
      schema: {
        tags: ['ads'],
        summary: 'How restated metrics changed: previous and new values, and when',
        querystring: pageQuery.extend({ connection_id: z.string().uuid().optional(), platform_id: z.string().max(100).optional(), date: z.string().date().optional() }),
        response: {
          200: pageSchema(z.object({ id: z.string(), connection_id: z.string(), level: adLevel, platform_id: z.string(), date: z.string(), previous: metricValues, current: metricValues, changed_at: z.date() })),
          ...authErrors,
        },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const q = req.query;
      const cur = decodeCursor(q.cursor, 'text');
      const rows = await withOrgTx(deps.db.app, orgId, async (c) =>
        (
          await c.query(
            `select id::text, connection_id, level, platform_id, date::text, previous, current, changed_at from ad_metric_revisions
             where org_id = $1 and ($2::timestamptz is null or (changed_at, id::text) < ($2, $3::text))
               and ($4::uuid is null or connection_id = $4) and ($5::text is null or platform_id = $5) and ($6::date is null or date = $6)
             order by changed_at desc, id::text desc limit $7`,
            [orgId, cur?.at ?? null, cur?.id ?? null, q.connection_id ?? null, q.platform_id ?? null, q.date ?? null, q.limit + 1],
          )
        ).rows,
      );
      const more = rows.length > q.limit;
      const data = more ? rows.slice(0, q.limit) : rows;
      const last = data[data.length - 1];
      return { data, next_cursor: more && last ? encodeCursor(last.changed_at, last.id) : null };
    },
  );
};
