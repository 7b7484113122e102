import { AT, ID, page, type Examples } from './kit.ts';

const connection = {
  id: ID.connection,
  provider: 'meta',
  status: 'active',
  display_name: 'Northwind Ads',
  external_account_id: '10229384756012345',
  end_user_ref: 'user-4821',
  config: {},
  scopes: ['ads_read', 'ads_management', 'business_management'],
  expires_at: '2027-01-31T09:14:07.000Z',
  refresh_expires_at: null,
  next_refresh_at: '2027-01-24T09:14:07.000Z',
  last_refreshed_at: AT.created,
  last_refresh_error: null,
  sync_interval_minutes: 360,
  conflict_policy: 'hub_wins',
  last_sync_at: AT.recent,
  api_version_error: null,
  created_at: AT.created,
  updated_at: AT.recent,
};
const session = {
  id: ID.connectSession,
  provider: 'meta',
  providers: ['meta'],
  web_origin: null,
  status: 'pending',
  scopes: ['ads_read', 'ads_management'],
  end_user_ref: 'user-4821',
  return_url: 'https://app.northwind.example/integrations/done',
  connection_id: null,
  error: null,
  expires_at: AT.expires,
  created_at: AT.recent,
};
const deadLetter = {
  id: ID.deadLetter,
  job_id: 48213,
  task: 'sync_connection',
  payload: { org_id: ID.org, connection_id: ID.connection, reason: 'schedule' },
  job_key: `sync:${ID.connection}`,
  attempts: 12,
  error_code: 'provider.unavailable',
  error_message: 'Meta answered 503 Service Unavailable on every attempt.',
  failed_at: AT.earlier,
  replayed_at: null,
  replay_job_id: null,
};
export const syncRun = {
  id: ID.syncRun,
  kind: 'ads',
  job_id: 48377,
  reason: 'schedule',
  status: 'completed',
  pages: 3,
  records: 214,
  rate_limit_waits: 0,
  items_read: 0,
  items_merged: 0,
  conflicts: 0,
  items_written: 0,
  error: null,
  started_at: AT.recent,
  finished_at: AT.later,
};
const webhookSecret = {
  url: `https://plexus.northwind.example/webhooks/wordpress/${ID.wordpress}`,
  secret: 'pxwh_3q2-7wN1fJ0kLmV8yR5tB4xC6zD9aE2sQm9v3TzX8rY',
  signature_header: 'x-plexus-signature',
  timestamp_header: 'x-plexus-timestamp',
};

export const CONNECTION_EXAMPLES: Examples = {
  createConnectSession: {
    summary: 'Connect a Meta ad account for one of your users',
    request: {
      provider: 'meta',
      scopes: ['ads_read', 'ads_management'],
      end_user_ref: 'user-4821',
      return_url: 'https://app.northwind.example/integrations/done',
    },
    responses: {
      '201': {
        ...session,
        url: 'https://plexus.northwind.example/connect/cs_7d1f4c2a3b9e4f618a2d5c6e7f809a1b.c8a1e2f3.Zk9xT2w4',
      },
    },
  },
  getConnectSession: {
    summary: 'A session whose user finished connecting',
    responses: { '200': { ...session, status: 'completed', connection_id: ID.connection } },
  },
  listConnections: { summary: 'The connections of the organisation', responses: { '200': page([connection]) } },
  getConnection: { summary: 'An active Meta connection', responses: { '200': connection } },
  updateConnection: {
    summary: 'Sync every two hours; the hub wins content conflicts',
    request: { sync_interval_minutes: 120, conflict_policy: 'hub_wins' },
    responses: { '200': { ...connection, sync_interval_minutes: 120 } },
  },
  deleteConnection: {
    summary: 'Disconnected, and the grant revoked at Meta',
    responses: { '200': { id: ID.connection, deleted: true, revoked_at_platform: true } },
  },
  refreshConnection: {
    summary: 'A forced token refresh',
    responses: { '200': { ...connection, last_refreshed_at: AT.later, outcome: 'refreshed' } },
  },
  createConnectionWebhookSecret: {
    summary: 'The URL and secret to paste into the site’s webhook settings',
    responses: { '201': webhookSecret },
  },
  createSync: { summary: 'A sync queued now', responses: { '202': { connection_id: ID.connection, job_id: 48377 } } },
  listSyncs: { summary: 'Recent sync runs of a connection', responses: { '200': { data: [syncRun] } } },
  listDeadLetters: { summary: 'A sync that failed for good', responses: { '200': page([deadLetter]) } },
  getDeadLetter: { summary: 'One dead letter with its payload', responses: { '200': deadLetter } },
  replayDeadLetter: {
    summary: 'Run it again as a new job',
    responses: { '202': { ...deadLetter, replayed_at: AT.recent, replay_job_id: 48391 } },
  },
};
