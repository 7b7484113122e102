import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import type { Queryable } from '../../../db/pool.ts';
import {
  campaignDailyMetrics,
  campaignDayRevisions,
  findCampaign,
  type CampaignRef,
} from '../../../sync/ads/campaign-report-store.ts';
import { orgRoutePlugin } from '../../org-routes.ts';
import { adLevel, metricValues } from '../../openapi/components.ts';
import { decodeAdsEntityId } from '../../ads-entity-id.ts';

const MAX_DAYS = 400;
const campaignParams = z.object({ id: z.string().min(1).max(400) });

const daySchema = z.object({
  date: z.string(),
  currency: z.string().nullable(),
  impressions: z.number(),
  clicks: z.number(),
  spend_micros: z.string(),
  conversions: z.number(),
});
const revisionSchema = z.object({
  id: z.string(),
  level: adLevel,
  platform_id: z.string(),
  name: z.string().nullable(),
  date: z.string(),
  previous: metricValues,
  current: metricValues,
  changed_at: z.date(),
});

/** The campaign an id names in this org, or a 404 (ids of another org's campaigns included). */
async function campaignOf(
  c: Queryable,
  orgId: string,
  id: string,
): Promise<CampaignRef & { name: string | null; currency: string | null; provider: string }> {
  const ref = decodeAdsEntityId(id);
  const found = ref.level === 'campaign' ? await findCampaign(c, orgId, ref) : null;
  if (!found) throw plexusError('not_found', { message: 'No such campaign.' });
  return { connectionId: ref.connectionId, platformId: ref.platformId, ...found };
}

/** Per-campaign reports: its numbers day by day (for a chart) and how the platform restated a day. */
export const adsReportRoutes = orgRoutePlugin('ads', async (app, { org, schema }) => {
  app.get(
    '/ads/campaigns/:id/metrics',
    schema.route(
      'A campaign’s spend, impressions, clicks and conversions per day (from its ads’ rows where the platform reports per ad)',
      {
        params: campaignParams,
        querystring: z
          .object({ since: z.string().date(), until: z.string().date() })
          .refine((q) => q.since <= q.until, { message: 'since must not be after until.' })
          .refine((q) => (Date.parse(q.until) - Date.parse(q.since)) / 86_400_000 < MAX_DAYS, {
            message: `At most ${MAX_DAYS} days at a time.`,
          }),
        response: {
          200: z.object({
            campaign: z.object({
              id: z.string(),
              name: z.string().nullable(),
              provider: z.string(),
              currency: z.string().nullable(),
            }),
            data: z.array(daySchema),
          }),
        },
      },
    ),
    async (req) =>
      org.tx(req, async (c, orgId) => {
        const k = await campaignOf(c, orgId, req.params.id);
        const data = await campaignDailyMetrics(c, orgId, k, req.query.since, req.query.until);
        return { campaign: { id: req.params.id, name: k.name, provider: k.provider, currency: k.currency }, data };
      }),
  );

  app.get(
    '/ads/campaigns/:id/metrics/revisions',
    schema.route(
      'How the platform restated one day of a campaign: each entity’s previous and new numbers, newest first',
      {
        params: campaignParams,
        querystring: z.object({ date: z.string().date(), limit: z.coerce.number().int().min(1).max(500).default(200) }),
        response: { 200: z.object({ data: z.array(revisionSchema) }) },
      },
    ),
    async (req) =>
      org.tx(req, async (c, orgId) => {
        const k = await campaignOf(c, orgId, req.params.id);
        return { data: await campaignDayRevisions(c, orgId, k, req.query.date, req.query.limit) };
      }),
  );
});
