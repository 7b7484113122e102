import { RETENTION_DEFAULTS } from '../../../retention/policies.ts';
import { ADS_ID, AT, ID, page, type Examples } from './kit.ts';

const org = { id: ID.org, name: 'Northwind Marketing', created_at: AT.created };
const apiKey = {
  id: ID.apiKey,
  name: 'production backend',
  prefix: 'plx_…Qm9v3T',
  created_at: AT.created,
  last_used_at: AT.recent,
  revoked_at: null,
};
const orgStats = { ...org, connections: 4, active_api_keys: 2, dead_letters: 1 };
// The example org keeps its operations log 30 days; everything else as the defaults say.
const defaults = RETENTION_DEFAULTS;
const overrides = { operations: 30 };
const days = { ...defaults, ...overrides };
const erased = { id: ID.org, erased: true, connections_revoked: 4, rows_deleted: 18342, tables: 27 };

const provider = (
  id: string,
  name: string,
  family: 'ads' | 'cms',
  auth_kind: string,
  capabilities: string[],
  api_version: string,
  lifecycle: Record<string, unknown>,
) => ({
  id,
  name,
  family,
  auth_kind,
  capabilities,
  webhooks: true,
  api_version,
  version_lifecycle: {
    released: null,
    sunset: null,
    sunset_tentative: false,
    days_to_sunset: null,
    pinned_version: api_version,
    ...lifecycle,
  },
});

export const ORG_EXAMPLES: Examples = {
  getOrg: { summary: 'The organisation of the key', responses: { '200': org } },
  updateOrg: {
    summary: 'Rename the organisation',
    request: { name: 'Northwind Marketing' },
    responses: { '200': org },
  },
  eraseOrg: { summary: 'Erase the organisation (confirm=<its id>)', responses: { '200': erased } },
  listProviders: {
    summary: 'Two of the platforms, one of them near its version sunset',
    responses: {
      '200': {
        data: [
          provider(
            'meta',
            'Meta',
            'ads',
            'oauth2',
            [
              'ads.accounts.read',
              'ads.campaigns.read',
              'ads.campaigns.write',
              'ads.metrics.read',
              'webhooks.inbound',
              'token.refresh',
            ],
            'v25.0',
            {
              state: 'sunset_soon',
              released: '2026-02-18',
              sunset: '2027-02-23',
              days_to_sunset: 78,
              pinned_version: 'v27.0',
              source:
                'https://developers.facebook.com/documentation/ads-commerce/marketing-api/marketing-api-changelog/versions',
            },
          ),
          provider(
            'wordpress',
            'WordPress',
            'cms',
            'app_password',
            ['content.read', 'content.write', 'content.media', 'webhooks.inbound'],
            'v2',
            { state: 'current', source: 'https://developer.wordpress.org/rest-api/' },
          ),
        ],
      },
    },
  },
  listApiKeys: { summary: 'The organisation’s keys (never the secret)', responses: { '200': page([apiKey]) } },
  createApiKey: {
    summary: 'A new key; `key` is shown this once',
    request: { name: 'production backend' },
    responses: {
      '201': {
        ...apiKey,
        last_used_at: null,
        key: `plx_${ID.org.replaceAll('-', '')}_Qm9v3TzX8rYk2Lw5pN7aB1cD4eF6gH9jK0mQsUvWxYz`,
      },
    },
  },
  revokeApiKey: { summary: 'A revoked key', responses: { '200': { ...apiKey, revoked_at: AT.later } } },
  getRetention: {
    summary: 'Operations kept 30 days instead of 14',
    responses: { '200': { days, overrides, defaults } },
  },
  updateRetention: {
    summary: 'Keep the operations log 30 days',
    request: { operations: 30 },
    responses: { '200': { days, overrides, defaults } },
  },
  listAuditEntries: {
    summary: 'A campaign paused through the API, then a connection by its end user',
    responses: {
      '200': page(
        [
          {
            id: ID.audit,
            at: AT.recent,
            actor: { type: 'api_key', id: ID.apiKey, label: 'plx_…Qm9v3T' },
            action: 'ads.entity.pause',
            target: { type: 'ads.campaign', id: ADS_ID.campaign },
            details: { connection_id: ID.connection, platform_id: '120210456789012' },
            request_id: '0b6f2c1e-4d3a-4e5f-9a8b-7c6d5e4f3a2b',
          },
          {
            id: '1e2f3a4b-5c6d-4e7f-8091-a2b3c4d5e6f7',
            at: AT.earlier,
            actor: { type: 'end_user', id: 'user-4821', label: null },
            action: 'connection.connect',
            target: { type: 'connection', id: ID.connection },
            details: { provider: 'meta', connect_session_id: ID.connectSession },
            request_id: null,
          },
        ],
        'eyJzZXEiOiI0MTIifQ',
      ),
    },
  },
  adminCreateOrg: {
    summary: 'A new organisation with its first key (shown once)',
    request: { name: 'Northwind Marketing' },
    responses: {
      '201': { ...org, api_key: `plx_${ID.org.replaceAll('-', '')}_Qm9v3TzX8rYk2Lw5pN7aB1cD4eF6gH9jK0mQsUvWxYz` },
    },
  },
  adminListOrgs: { summary: 'Organisations with their counts', responses: { '200': page([orgStats]) } },
  adminGetOrg: { summary: 'One organisation with its counts', responses: { '200': orgStats } },
  adminEraseOrg: { summary: 'Erase an organisation from the back office', responses: { '200': erased } },
};
