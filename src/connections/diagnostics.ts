import type { ConnectionRow } from './repo.ts';
import type { PoolClient } from '../db/pool.ts';
import { circuitStates } from '../providers/kit/circuit.ts';
import type { HttpMessage } from '../operations/context.ts';

type ConnRow = Pick<
  ConnectionRow,
  | 'id'
  | 'provider'
  | 'status'
  | 'expires_at'
  | 'refresh_expires_at'
  | 'next_refresh_at'
  | 'last_refreshed_at'
  | 'last_refresh_error'
  | 'refresh_failures'
  | 'last_sync_at'
> & { refresh_leased: boolean };

interface WorkRow {
  type: string;
  last_success_at: Date | null;
  last_error_at: Date | null;
  last_error_code: string | null;
  last_error_message: string | null;
  last_error_operation_id: string | null;
}

interface CallWindow {
  calls: number;
  errors: number;
  rate_limited: number;
  server_errors: number;
}

/**
 * Everything an operator needs to tell why a connection is failing, read from the
 * connection row and its operations log (row-level security applies): health, last success
 * and error per kind of work, token state, the platform's own rate-limit signals and our use
 * over the last hour and day, the circuit breaker, recent failing calls, and advice. Token
 * expiry is judged at `at` (the caller's clock).
 */
export async function connectionDiagnostics(c: PoolClient, orgId: string, connectionId: string, at: Date) {
  const conn = (
    await c.query<ConnRow>(
      `select id, provider, status, expires_at, refresh_expires_at, next_refresh_at, last_refreshed_at, last_refresh_error, refresh_failures, last_sync_at,
              (refresh_lease_until is not null and refresh_lease_until >= now()) as refresh_leased
       from connections where org_id = $1 and id = $2`,
      [orgId, connectionId],
    )
  ).rows[0];
  if (!conn) return undefined;
  const work = (
    await c.query<WorkRow>(
      `select type,
         max(ended_at) filter (where status = 'success') as last_success_at,
         (array_agg(ended_at order by started_at desc) filter (where status in ('failed', 'retry_scheduled')))[1] as last_error_at,
         (array_agg(error_code order by started_at desc) filter (where status in ('failed', 'retry_scheduled')))[1] as last_error_code,
         (array_agg(error_message order by started_at desc) filter (where status in ('failed', 'retry_scheduled')))[1] as last_error_message,
         (array_agg(id order by started_at desc) filter (where status in ('failed', 'retry_scheduled')))[1]::text as last_error_operation_id
       from operations where org_id = $1 and connection_id = $2 and started_at > now() - interval '30 days'
       group by type order by type`,
      [orgId, connectionId],
    )
  ).rows;
  const windows = (
    await c.query<CallWindow & { label: string }>(
      `select w.label,
         count(*)::int as calls,
         count(*) filter (where (m.http->>'status') is null or (m.http->>'status')::int >= 400)::int as errors,
         count(*) filter (where (m.http->>'status')::int = 429)::int as rate_limited,
         count(*) filter (where (m.http->>'status')::int >= 500)::int as server_errors
       from (values ('last_hour', interval '1 hour'), ('last_day', interval '1 day')) as w(label, span)
       join operations o on o.org_id = $1 and o.connection_id = $2 and o.started_at > now() - w.span - interval '1 hour'
       join operation_messages m on m.org_id = o.org_id and m.operation_id = o.id and m.kind = 'http' and m.at > now() - w.span
       group by w.label`,
      [orgId, connectionId],
    )
  ).rows;
  const empty: CallWindow = { calls: 0, errors: 0, rate_limited: 0, server_errors: 0 };
  const strip = (r: (CallWindow & { label: string }) | undefined): CallWindow =>
    r ? { calls: r.calls, errors: r.errors, rate_limited: r.rate_limited, server_errors: r.server_errors } : empty;
  const lastHour = strip(windows.find((w) => w.label === 'last_hour'));
  const lastDay = strip(windows.find((w) => w.label === 'last_day'));
  const recentMessages = (
    await c.query<{ operation_id: string; at: Date; message: string; http: HttpMessage }>(
      `select m.operation_id, m.at, m.message, m.http from operation_messages m
       join operations o on o.org_id = m.org_id and o.id = m.operation_id
       where o.org_id = $1 and o.connection_id = $2 and o.started_at > now() - interval '7 days' and m.kind = 'http'
       order by m.at desc limit 200`,
      [orgId, connectionId],
    )
  ).rows;
  const failing = recentMessages.filter((m) => m.http.status === null || m.http.status >= 400).slice(0, 10);
  const lastSignals = recentMessages.find((m) => Object.keys(m.http.rate_limit ?? {}).length > 0);
  const breaker = circuitStates().find((s) => s.provider === conn.provider)?.state ?? 'closed';
  // Breakers live in each worker process; the log shows when any of them refused work.
  const openRefusals = (
    await c.query<{ n: number; last: Date | null }>(
      `select count(*)::int as n, max(ended_at) as last from operations
       where org_id = $1 and connection_id = $2 and started_at > now() - interval '1 hour' and error_message like '%(circuit open)%'`,
      [orgId, connectionId],
    )
  ).rows[0] ?? { n: 0, last: null };
  const now = at.getTime();
  const lastSyncError = work.find((w) => w.type === 'sync');

  const advice: string[] = [];
  if (conn.status === 'needs_reauth') {
    advice.push(
      `Reconnect this connection: the platform refused to refresh its token${conn.last_refresh_error ? ` ("${conn.last_refresh_error}")` : ''}. ` +
        `Create a connect session that reconnects it (POST /v1/connect-sessions {"provider":"${conn.provider}","connection_id":"${conn.id}"}) and have the account owner sign in again; syncs resume once it is active.`,
    );
  } else if (conn.refresh_failures > 0 && conn.last_refresh_error) {
    advice.push(
      `Token refresh is failing (${conn.refresh_failures} in a row: "${conn.last_refresh_error}"); Plexus retries with back-off. If it persists past the token's expiry, reconnect.`,
    );
  } else if (conn.expires_at && conn.expires_at.getTime() < now && !conn.next_refresh_at) {
    advice.push('The token has expired and no refresh is scheduled: reconnect this connection.');
  }
  if (lastHour.rate_limited > 0 || lastDay.rate_limited >= 10) {
    advice.push(
      `The platform is throttling this connection (${lastHour.rate_limited} rate-limited calls in the last hour, ${lastDay.rate_limited} in the last day). ` +
        `Plexus waits as the platform asks and retries; if it lasts, lower PLEXUS_${conn.provider.toUpperCase().replace(/-/g, '_')}_REQUESTS_PER_MINUTE, sync less often (PATCH /v1/connections/${conn.id} sync_interval_minutes) or raise the platform app's quota.`,
    );
  }
  if (breaker !== 'closed' || openRefusals.n > 0 || lastHour.server_errors > 0) {
    advice.push(
      `The platform is failing (${lastHour.server_errors} server errors or timeouts in the last hour; ${openRefusals.n} runs refused by an open circuit breaker); calls pause and resume by themselves. Check the platform's status page.`,
    );
  }
  if (
    conn.status === 'active' &&
    lastSyncError?.last_error_at &&
    (!lastSyncError.last_success_at || lastSyncError.last_error_at > lastSyncError.last_success_at) &&
    advice.length === 0
  ) {
    advice.push(
      `The last sync failed with ${lastSyncError.last_error_code}: "${lastSyncError.last_error_message}". Open GET /v1/operations/${lastSyncError.last_error_operation_id} for its calls.`,
    );
  }
  const failingWork = work.some((w) => w.last_error_at && (!w.last_success_at || w.last_error_at > w.last_success_at));
  const health =
    conn.status === 'needs_reauth' || conn.status === 'error'
      ? 'failing'
      : failingWork || advice.length
        ? 'degraded'
        : 'healthy';
  if (advice.length === 0) advice.push('Nothing to do: the connection is working.');

  return {
    connection_id: conn.id,
    provider: conn.provider,
    status: conn.status,
    health,
    work: work.map((w) => ({
      type: w.type,
      last_success_at: w.last_success_at,
      last_error: w.last_error_at
        ? {
            at: w.last_error_at,
            code: w.last_error_code,
            message: w.last_error_message,
            operation_id: w.last_error_operation_id,
          }
        : null,
    })),
    last_sync_at: conn.last_sync_at,
    token: {
      expires_at: conn.expires_at,
      expires_in_seconds: conn.expires_at ? Math.round((conn.expires_at.getTime() - now) / 1000) : null,
      refresh_token_expires_at: conn.refresh_expires_at,
      next_refresh_at: conn.next_refresh_at,
      last_refreshed_at: conn.last_refreshed_at,
      refresh_in_progress: conn.refresh_leased,
      consecutive_refresh_failures: conn.refresh_failures,
      last_refresh_error: conn.last_refresh_error,
    },
    rate_limit: {
      // What the platform last said about the budget (its own headers), and our use of it.
      last_signals: lastSignals ? { at: lastSignals.at, headers: lastSignals.http.rate_limit } : null,
      last_hour: lastHour,
      last_day: lastDay,
    },
    circuit_breaker: {
      state_in_this_process: breaker,
      runs_refused_while_open_last_hour: openRefusals.n,
      last_refused_at: openRefusals.last,
    },
    recent_failing_calls: failing.map((m) => ({
      operation_id: m.operation_id,
      at: m.at,
      message: m.message,
      http: m.http,
    })),
    advice,
  };
}
