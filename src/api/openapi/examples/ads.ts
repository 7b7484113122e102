import { ADS_ID, AT, ID, page, type Examples } from './kit.ts';

const entity = {
  connection_id: ID.connection,
  provider: 'meta',
  account_id: 'act_1048576001',
  platform_status: 'ACTIVE',
  objective: null,
  currency: 'EUR',
  time_zone: 'Europe/Berlin',
  daily_budget_micros: null,
  lifetime_budget_micros: null,
  start_at: null,
  end_at: null,
  deleted_at: null,
  updated_at: AT.recent,
};
const account = {
  ...entity,
  id: ADS_ID.account,
  level: 'account',
  platform_id: 'act_1048576001',
  parent_id: null,
  name: 'Northwind Ads',
  status: 'active',
};
const campaign = {
  ...entity,
  id: ADS_ID.campaign,
  level: 'campaign',
  platform_id: '120210456789012',
  parent_id: 'act_1048576001',
  name: 'Winter sale 2026',
  status: 'active',
  objective: 'OUTCOME_SALES',
  daily_budget_micros: '50000000',
  start_at: '2026-12-01T00:00:00.000Z',
};
const adGroup = {
  ...entity,
  id: ADS_ID.adGroup,
  level: 'ad_group',
  platform_id: '120210456789345',
  parent_id: '120210456789012',
  name: 'Berlin, 25–44',
  status: 'active',
  daily_budget_micros: null,
};
const ad = {
  ...entity,
  id: ADS_ID.ad,
  level: 'ad',
  platform_id: '120210456789678',
  parent_id: '120210456789345',
  name: 'Carousel: boots',
  status: 'active',
};
const written = (e: typeof campaign | typeof adGroup | typeof ad, status: string) => ({
  id: e.id,
  platform_id: e.platform_id,
  level: e.level,
  name: e.name,
  status,
  daily_budget_micros: e.daily_budget_micros,
  lifetime_budget_micros: e.lifetime_budget_micros,
});

/** The numbers of 5 December before and after Meta restated them. */
const restated = {
  previous: { impressions: 25880, clicks: 590, spend_micros: 44100000, conversions: 12 },
  current: { impressions: 26012, clicks: 594, spend_micros: 44380000, conversions: 14 },
};

export const ADS_EXAMPLES: Examples = {
  listAdAccounts: { summary: 'Ad accounts of every connection', responses: { '200': page([account]) } },
  listCampaigns: {
    summary: 'Campaigns, one status for every platform',
    responses: {
      '200': page([campaign], 'eyJhdCI6IjIwMjYtMTItMDdUMDc6MzA6MTIuOTA0WiIsImlkIjoiMTIwMjEwNDU2Nzg5MDEyIn0'),
    },
  },
  listAdGroups: { summary: 'Ad groups (ad sets on Meta)', responses: { '200': page([adGroup]) } },
  listAds: { summary: 'Ads', responses: { '200': page([ad]) } },
  getAdMetrics: {
    summary: 'Spend and results per campaign for a week',
    responses: {
      '200': {
        data: [
          {
            key: '120210456789012',
            currency: 'EUR',
            impressions: 182340,
            clicks: 4127,
            spend_micros: '312450000',
            conversions: 96,
          },
        ],
      },
    },
  },
  listAdMetricRevisions: {
    summary: 'A day Meta restated after the fact',
    responses: {
      '200': page([
        {
          id: ID.revision,
          connection_id: ID.connection,
          level: 'campaign',
          platform_id: '120210456789012',
          date: '2026-12-05',
          ...restated,
          changed_at: AT.recent,
        },
      ]),
    },
  },
  getCampaignMetrics: {
    summary: 'Two days of a campaign, summed from its ads',
    responses: {
      '200': {
        campaign: { id: ADS_ID.campaign, name: 'Winter sale 2026', provider: 'meta', currency: 'EUR' },
        data: [
          {
            date: '2026-12-05',
            currency: 'EUR',
            impressions: 26012,
            clicks: 594,
            spend_micros: '44380000',
            conversions: 14,
          },
          {
            date: '2026-12-06',
            currency: 'EUR',
            impressions: 24410,
            clicks: 561,
            spend_micros: '41920000',
            conversions: 11,
          },
        ],
      },
    },
  },
  listCampaignDayRevisions: {
    summary: 'One ad of the campaign restated for 5 December',
    responses: {
      '200': {
        data: [
          {
            id: '4211',
            level: 'ad',
            platform_id: '120210456789678',
            name: 'Carousel: boots',
            date: '2026-12-05',
            ...restated,
            changed_at: AT.recent,
          },
        ],
      },
    },
  },
  createCampaign: {
    summary: 'A paused campaign with a daily budget of €50',
    request: {
      connection_id: ID.connection,
      account_id: 'act_1048576001',
      name: 'Winter sale 2026',
      objective: 'OUTCOME_SALES',
      status: 'paused',
      daily_budget_micros: '50000000',
      start_at: '2026-12-01T00:00:00Z',
    },
    responses: { '201': written(campaign, 'paused') },
  },
  updateCampaign: {
    summary: 'Raise the daily budget to €80',
    request: { daily_budget_micros: '80000000' },
    responses: { '200': { ...written(campaign, 'active'), daily_budget_micros: '80000000' } },
  },
  deleteCampaign: { summary: 'Deleted on the platform', responses: { '200': { id: ADS_ID.campaign, deleted: true } } },
  pauseCampaign: { summary: 'Paused on the platform', responses: { '200': written(campaign, 'paused') } },
  resumeCampaign: { summary: 'Running again', responses: { '200': written(campaign, 'active') } },
  pauseAdGroup: { summary: 'Paused on the platform', responses: { '200': written(adGroup, 'paused') } },
  resumeAdGroup: { summary: 'Running again', responses: { '200': written(adGroup, 'active') } },
  pauseAd: { summary: 'Paused on the platform', responses: { '200': written(ad, 'paused') } },
  resumeAd: { summary: 'Running again', responses: { '200': written(ad, 'active') } },
};
