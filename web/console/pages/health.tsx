import { unwrap } from '../../shared/api.ts';
import { StatusBadge } from '../../shared/badge.tsx';
import { formatNumber } from '../../shared/format.ts';
import { ErrorNotice, Facts, Loading } from '../../shared/layout.tsx';
import { DataTable } from '../../shared/table.tsx';
import { useInterval, useResource } from '../../shared/use-resource.ts';
import type { ConsolePageProps } from '../context.ts';
import { consoleStrings as t } from '../strings.ts';

const ok = (b: boolean) => <StatusBadge status={b ? 'healthy' : 'failing'} />;
const ago = (s: number | null) => (s === null ? t.health.none : t.health.secondsAgo(s));

/** Database, worker processes, the job queue and dead letters, refreshed while the page is open. */
export function HealthPage({ api }: ConsolePageProps) {
  const health = useResource(() => unwrap(api.GET('/v1/admin/health')), []);
  useInterval(health.reload, 10_000);
  const h = health.data;
  return (
    <>
      <h1>{t.health.heading}</h1>
      <p>{t.health.refreshed}</p>
      {health.error && <ErrorNotice error={health.error} onRetry={health.reload} />}
      {!h && health.loading && <Loading />}
      {h && (
        <>
          <section class="panel" aria-labelledby="h-overall">
            <h2 id="h-overall">{t.health.overall}</h2>
            <Facts
              items={[
                [t.health.overall, <StatusBadge status={h.status === 'ok' ? 'healthy' : 'degraded'} />],
                [
                  t.health.database,
                  <>
                    {ok(h.database.ok)} {h.database.error ?? ''}
                  </>,
                ],
                [t.health.migrations, `${h.database.migrations_applied ?? '—'} / ${h.database.migrations_expected}`],
                [t.health.workers, ok(h.workers.ok)],
                [t.health.heartbeat, ago(h.workers.heartbeat_age_seconds)],
                [t.health.deadLetters, formatNumber(h.dead_letters_open)],
              ]}
            />
          </section>
          <section class="panel" aria-labelledby="h-queue">
            <h2 id="h-queue">{t.health.queue}</h2>
            <Facts
              items={[
                [t.health.ready, formatNumber(h.queue.ready)],
                [t.health.running, formatNumber(h.queue.running)],
                [t.health.scheduled, formatNumber(h.queue.scheduled)],
                [t.health.oldestReady, ago(h.queue.oldest_ready_age_seconds)],
              ]}
            />
          </section>
          <DataTable
            caption={t.health.nodesCaption}
            rowKey={(n) => n.id}
            rows={h.workers.nodes}
            columns={[
              { header: t.health.host, cell: (n) => n.hostname },
              { header: t.health.pid, numeric: true, cell: (n) => String(n.pid) },
              { header: t.health.workerCount, numeric: true, cell: (n) => formatNumber(n.workers) },
              { header: t.health.heartbeat, cell: (n) => ago(n.heartbeat_age_seconds) },
            ]}
          />
        </>
      )}
    </>
  );
}
