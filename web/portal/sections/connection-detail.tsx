import { useState } from 'preact/hooks';
import { unwrap } from '../../shared/api.ts';
import { StatusBadge } from '../../shared/badge.tsx';
import { ActionButton, Form, SelectField, TextField } from '../../shared/form.tsx';
import { formatNumber, formatTime } from '../../shared/format.ts';
import { ErrorNotice, Facts, Link, Loading } from '../../shared/layout.tsx';
import { DataTable } from '../../shared/table.tsx';
import { useToasts } from '../../shared/toasts.tsx';
import { useResource } from '../../shared/use-resource.ts';
import { sectionHref, type PortalContext, type SectionProps } from '../context.ts';
import { connectionName } from '../components/health.ts';
import { SyncProgress } from '../components/sync-progress.tsx';
import { OperationsTable } from '../components/operations-table.tsx';

const POLICIES = ['hub_wins', 'remote_wins', 'latest_wins', 'manual'] as const;

/** One connection: its facts, diagnostics, recent operations, settings and actions. */
export function ConnectionDetail({ ctx, id }: SectionProps & { id: string }) {
  const t = ctx.strings.connections;
  const toasts = useToasts();
  const conn = useResource(() => unwrap(ctx.api.GET('/v1/connections/{id}', { params: { path: { id } } })), [id]);
  const diag = useResource(
    () => unwrap(ctx.api.GET('/v1/connections/{id}/diagnostics', { params: { path: { id } } })),
    [id],
  );
  const ops = useResource(
    () => unwrap(ctx.api.GET('/v1/operations', { params: { query: { connection_id: id, limit: 10 } } })),
    [id],
  );
  const [syncJob, setSyncJob] = useState<number>();
  const ro = ctx.session.readOnly;

  if (conn.error)
    return (
      <>
        <BackLink ctx={ctx} />
        <ErrorNotice error={(conn.error as { status?: number }).status === 404 ? new Error(t.notFound) : conn.error} />
      </>
    );
  if (!conn.data) return <Loading />;
  const c = conn.data;
  const d = diag.data;
  const syncNow = () =>
    toasts.run(
      async () =>
        setSyncJob((await unwrap(ctx.api.POST('/v1/connections/{id}/syncs', { params: { path: { id } } }))).job_id),
      t.syncRequested,
    );
  const reconnect = () =>
    toasts.run(async () => {
      const s = await unwrap(
        ctx.api.POST('/v1/connect-sessions', { body: { provider: c.provider as never, connection_id: id } }),
      );
      window.open(s.url, '_blank', 'noopener');
    }, t.reconnectOpened);
  const disconnect = () =>
    toasts.run(async () => {
      await unwrap(ctx.api.DELETE('/v1/connections/{id}', { params: { path: { id } } }));
      ctx.navigate(sectionHref('connections'));
    }, t.disconnected);

  return (
    <>
      <BackLink ctx={ctx} />
      <h1>{t.detailsTitle(connectionName(c))}</h1>
      <Facts
        items={[
          [t.provider, c.provider],
          [t.status, <StatusBadge status={c.status} />],
          [t.health, d ? <StatusBadge status={d.health} /> : '…'],
          [t.account, c.external_account_id ?? '—'],
          [t.lastSync, formatTime(c.last_sync_at)],
          [t.created, formatTime(c.created_at)],
        ]}
      />
      <div class="actions">
        <ActionButton kind="primary" hidden={ro} disabled={c.status !== 'active'} onAction={syncNow}>
          {t.syncNow}
        </ActionButton>
        <ActionButton hidden={ro} onAction={reconnect}>
          {t.reconnect}
        </ActionButton>
        <ActionButton kind="danger" hidden={ro} confirm={t.disconnectConfirm} onAction={disconnect}>
          {t.disconnect}
        </ActionButton>
      </div>
      {ro && <p class="notice info">{ctx.strings.app.readOnlyHint}</p>}
      {syncJob !== undefined && (
        <SyncProgress
          ctx={ctx}
          connectionId={id}
          jobId={syncJob}
          onDone={() => {
            conn.reload();
            diag.reload();
            ops.reload();
          }}
        />
      )}

      <h2>{t.diagnostics}</h2>
      {diag.error && <ErrorNotice error={diag.error} onRetry={diag.reload} />}
      {d && (
        <>
          {d.advice.length > 0 && (
            <div class="notice info">
              <strong>{t.advice}</strong>
              <ul>
                {d.advice.map((a) => (
                  <li>{a}</li>
                ))}
              </ul>
            </div>
          )}
          <DataTable
            caption={t.work}
            rows={d.work}
            rowKey={(w) => w.type}
            columns={[
              { header: t.work, cell: (w) => w.type },
              { header: t.lastSuccess, cell: (w) => formatTime(w.last_success_at) },
              {
                header: t.lastError,
                cell: (w) =>
                  w.last_error
                    ? `${formatTime(w.last_error.at)}: ${w.last_error.message ?? w.last_error.code ?? ''}`
                    : '—',
              },
            ]}
          />
          <h2>{t.token}</h2>
          <Facts
            items={[
              [t.tokenExpires, formatTime(d.token.expires_at)],
              [t.refreshExpires, formatTime(d.token.refresh_token_expires_at)],
              [t.nextRefresh, formatTime(d.token.next_refresh_at)],
              [t.lastRefreshed, formatTime(d.token.last_refreshed_at)],
              [t.refreshFailures, formatNumber(d.token.consecutive_refresh_failures)],
              [t.lastRefreshError, d.token.last_refresh_error ?? '—'],
            ]}
          />
          <h2>{t.rateLimit}</h2>
          <Facts
            items={[
              [t.callsLastHour, formatNumber(d.rate_limit.last_hour.calls)],
              [t.rateLimitedLastHour, formatNumber(d.rate_limit.last_hour.rate_limited)],
              [t.circuit, d.circuit_breaker.state_in_this_process],
            ]}
          />
          {d.recent_failing_calls.length > 0 && (
            <DataTable
              caption={t.failingCalls}
              rows={d.recent_failing_calls}
              rowKey={(f) => `${f.operation_id}-${String(f.at)}`}
              columns={[
                { header: ctx.strings.failures.at, cell: (f) => formatTime(f.at) },
                {
                  header: ctx.strings.failures.operationTitle,
                  cell: (f) => `${f.http.method} ${f.http.path} → ${f.http.status ?? '—'}`,
                },
                { header: ctx.strings.failures.error, cell: (f) => f.message },
              ]}
            />
          )}
        </>
      )}

      <SettingsForm
        ctx={ctx}
        id={id}
        interval={c.sync_interval_minutes}
        policy={c.conflict_policy}
        onSaved={conn.reload}
      />

      {ops.data && <OperationsTable ctx={ctx} rows={ops.data.data} caption={t.recentOperations} />}
    </>
  );
}

function BackLink({ ctx }: { ctx: PortalContext }) {
  return (
    <p>
      <Link href={sectionHref('connections')} onNavigate={ctx.navigate}>
        ← {ctx.strings.nav.connections}
      </Link>
    </p>
  );
}

/** Sync interval and conflict policy; read-only sessions see the values, disabled. */
function SettingsForm({
  ctx,
  id,
  interval,
  policy,
  onSaved,
}: {
  ctx: PortalContext;
  id: string;
  interval: number | null;
  policy: string;
  onSaved: () => void;
}) {
  const t = ctx.strings.connections;
  const toasts = useToasts();
  const [minutes, setMinutes] = useState(interval === null ? '' : String(interval));
  const [conflict, setConflict] = useState(policy);
  const save = () =>
    toasts.run(async () => {
      await unwrap(
        ctx.api.PATCH('/v1/connections/{id}', {
          params: { path: { id } },
          body: {
            sync_interval_minutes: minutes === '' ? null : Number(minutes),
            conflict_policy: conflict as (typeof POLICIES)[number],
          },
        }),
      );
      onSaved();
    }, ctx.strings.form.saved);
  return (
    <>
      <h2>{t.settings}</h2>
      {ctx.session.readOnly ? (
        <Facts
          items={[
            [t.interval, interval === null ? '—' : String(interval)],
            [t.conflictPolicy, t.policies[policy] ?? policy],
          ]}
        />
      ) : (
        <Form label={t.settings} onSubmit={save}>
          <TextField label={t.interval} type="number" value={minutes} onInput={setMinutes} hint={t.intervalHint} />
          <SelectField
            label={t.conflictPolicy}
            value={conflict}
            onChange={setConflict}
            options={POLICIES.map((p) => ({ value: p, label: t.policies[p] ?? p }))}
          />
          <button type="submit" class="primary">
            {ctx.strings.form.save}
          </button>
        </Form>
      )}
    </>
  );
}
