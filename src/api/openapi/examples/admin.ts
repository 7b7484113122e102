import { AT, ID, page, type Examples } from './kit.ts';

const deadLetter = {
  id: ID.deadLetter,
  org_id: ID.org,
  org_name: 'Northwind Marketing',
  job_id: 48213,
  task: 'sync_connection',
  payload: { org_id: ID.org, connection_id: ID.connection, reason: 'schedule' },
  job_key: `sync:${ID.connection}`,
  attempts: 8,
  error_code: 'provider.auth_revoked',
  error_message: 'The platform revoked access; the connection needs re-authorization.',
  failed_at: AT.recent,
  replayed_at: null,
  replay_job_id: null,
};

/** The operator's reads (and the one replay) behind the admin token or a console session. */
export const ADMIN_EXAMPLES: Examples = {
  adminGetHealth: {
    summary: 'A healthy service with one worker process and a short queue',
    responses: {
      '200': {
        status: 'ok',
        database: { ok: true, error: null, migrations_applied: 22, migrations_expected: 22 },
        workers: {
          ok: true,
          heartbeat_age_seconds: 1.2,
          nodes: [
            { id: 'worker-7f3a', hostname: 'plexus-worker-1', pid: 4182, workers: 4, heartbeat_age_seconds: 1.2 },
          ],
        },
        queue: { ready: 3, running: 2, scheduled: 41, oldest_ready_age_seconds: 0.8 },
        dead_letters_open: 1,
      },
    },
  },
  adminListDeadLetters: { summary: 'Dead letters of every organisation', responses: { '200': page([deadLetter]) } },
  adminReplayDeadLetter: {
    summary: 'A dead letter queued again',
    responses: { '202': { ...deadLetter, replayed_at: AT.later, replay_job_id: 48377 } },
  },
  adminGetPlatformRates: {
    summary: 'Meta rate limiting a little over the last day',
    responses: {
      '200': {
        hours: 24,
        data: [
          {
            provider: 'meta',
            orgs: 12,
            operations: 1840,
            calls: 22410,
            errors: 312,
            rate_limited: 205,
            error_rate: 0.0139,
            rate_limited_rate: 0.0091,
          },
          {
            provider: 'wordpress',
            orgs: 7,
            operations: 960,
            calls: 4120,
            errors: 11,
            rate_limited: 0,
            error_rate: 0.0027,
            rate_limited_rate: 0,
          },
        ],
      },
    },
  },
  adminListProviderVersions: {
    summary: 'Meta’s version near its sunset first, then the current ones',
    responses: {
      '200': {
        data: [
          {
            provider: 'meta',
            version: 'v25.0',
            overridden: true,
            state: 'sunset_soon',
            released: '2026-02-18',
            sunset: '2027-02-23',
            sunset_tentative: false,
            days_to_sunset: 78,
            newest: 'v27.0',
            source:
              'https://developers.facebook.com/documentation/ads-commerce/marketing-api/marketing-api-changelog/versions',
            warning: 'meta API version v25.0 reaches its sunset 2027-02-23 (78 days); move to v27.0.',
          },
          {
            provider: 'wordpress',
            version: 'v2',
            overridden: false,
            state: 'current',
            released: '2016-12-06',
            sunset: null,
            sunset_tentative: false,
            days_to_sunset: null,
            newest: 'v2',
            source: 'https://developer.wordpress.org/rest-api/',
            warning: null,
          },
        ],
      },
    },
  },
};
