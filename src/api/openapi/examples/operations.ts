import { AT, ID, Media, page, type Examples } from './kit.ts';

const call = {
  method: 'GET',
  path: '/{version}/{ad_account_id}/campaigns',
  query: { fields: 'id,name,status,daily_budget', limit: '200', access_token: '[redacted]' },
  host: 'graph.facebook.com',
  status: 200,
  duration_ms: 412,
  attempt: 1,
  rate_limit: {
    'x-business-use-case-usage':
      '{"1048576001":[{"type":"ads_management","call_count":4,"total_cputime":2,"total_time":3}]}',
  },
  request_id: 'AbCdEf12GhIj34KlMn56',
  error_excerpt: null,
  error_code: null,
};
const operation = {
  id: ID.operation,
  parent_id: null,
  type: 'sync',
  connection_id: ID.connection,
  provider: 'meta',
  actor: 'job:sync_connection',
  status: 'success',
  started_at: AT.recent,
  ended_at: AT.later,
  duration_ms: 1473,
  summary: { pages: 3, records: 214, http_calls: 4 },
  error: null,
  job_id: '48377',
  attempt: 1,
  trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
};
const child = {
  ...operation,
  id: ID.childOperation,
  parent_id: ID.operation,
  type: 'token_refresh',
  actor: 'job:sync_connection',
  duration_ms: 208,
  summary: { http_calls: 1 },
  ended_at: '2026-12-07T07:30:13.112Z',
};
const messages = [
  { seq: 1, at: AT.recent, level: 'info', kind: 'log', message: 'sync started (schedule)', http: null },
  {
    seq: 2,
    at: '2026-12-07T07:30:13.330Z',
    level: 'info',
    kind: 'http',
    message: 'GET graph.facebook.com /{version}/{ad_account_id}/campaigns → 200 in 412 ms',
    http: call,
  },
];
const failingCall = {
  ...call,
  status: 429,
  duration_ms: 96,
  error_excerpt: '{"error":{"message":"User request limit reached","code":17}}',
  error_code: 'provider.rate_limited',
};

export const OPERATION_EXAMPLES: Examples = {
  listOperations: { summary: 'A scheduled sync that succeeded', responses: { '200': page([operation]) } },
  getOperation: {
    summary: 'A sync with its platform calls and the token refresh it ran',
    responses: { '200': { ...operation, messages, children: [child] } },
  },
  streamOperation: {
    summary: 'The live tail of a sync',
    responses: {
      '200': new Media(
        'text/event-stream',
        `id: 1\nevent: message\ndata: ${JSON.stringify(messages[0])}\n\nid: 2\nevent: message\ndata: ${JSON.stringify(messages[1])}\n\nevent: end\ndata: ${JSON.stringify(operation)}\n\n`,
        'Server-Sent Events until the operation ends.',
      ),
    },
  },
  getConnectionDiagnostics: {
    summary: 'A connection slowed down by Meta’s rate limits',
    responses: {
      '200': {
        connection_id: ID.connection,
        provider: 'meta',
        status: 'active',
        health: 'degraded',
        work: [
          {
            type: 'sync',
            last_success_at: AT.earlier,
            last_error: {
              at: AT.recent,
              code: 'provider.rate_limited',
              message: 'User request limit reached',
              operation_id: ID.operation,
            },
          },
          { type: 'token_refresh', last_success_at: AT.created, last_error: null },
        ],
        last_sync_at: AT.earlier,
        token: {
          expires_at: '2027-01-31T09:14:07.000Z',
          expires_in_seconds: 4843435,
          refresh_token_expires_at: null,
          next_refresh_at: '2027-01-24T09:14:07.000Z',
          last_refreshed_at: AT.created,
          refresh_in_progress: false,
          consecutive_refresh_failures: 0,
          last_refresh_error: null,
        },
        rate_limit: {
          last_signals: {
            at: AT.recent,
            headers: {
              'x-business-use-case-usage':
                '{"1048576001":[{"type":"ads_management","call_count":100,"total_cputime":12,"total_time":15,"estimated_time_to_regain_access":4}]}',
            },
          },
          last_hour: { calls: 42, errors: 3, rate_limited: 3, server_errors: 0 },
          last_day: { calls: 611, errors: 5, rate_limited: 4, server_errors: 1 },
        },
        circuit_breaker: {
          state_in_this_process: 'closed',
          runs_refused_while_open_last_hour: 0,
          last_refused_at: null,
        },
        recent_failing_calls: [
          {
            operation_id: ID.operation,
            at: AT.recent,
            message: 'GET graph.facebook.com /{version}/{ad_account_id}/insights → 429 in 96 ms',
            http: failingCall,
          },
        ],
        advice: [
          'Meta is rate-limiting this ad account (3 answers 429 in the last hour); syncs wait and resume by themselves. Lower the sync frequency if it persists.',
        ],
      },
    },
  },
};
