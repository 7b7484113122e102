import { unwrap, type Row } from '../../shared/api.ts';
import { StatusBadge } from '../../shared/badge.tsx';
import { SelectField } from '../../shared/form.tsx';
import { formatNumber, formatTime } from '../../shared/format.ts';
import { ErrorNotice, Link, Loading } from '../../shared/layout.tsx';
import { strings } from '../../shared/strings.ts';
import { DataTable, Pagination, useCursorPages, type Column } from '../../shared/table.tsx';
import { useInterval, useResource } from '../../shared/use-resource.ts';
import { sectionHref, type PortalContext, type Section, type SectionProps } from '../context.ts';
import { useQueryState } from '../components/use-query-state.ts';

type Run = Row<'/v1/sync-runs'>;
const LIVE_POLL_MS = 1500;
const STATUSES = ['running', 'completed', 'failed'] as const;

/** Sync runs: those running now, their counters refreshed live, then the history a page at a time. */
function SyncsPage({ ctx, query }: SectionProps) {
  const t = ctx.strings.syncs;
  const running = useResource(
    () => unwrap(ctx.api.GET('/v1/sync-runs', { params: { query: { status: 'running', limit: 50 } } })),
    [],
  );
  useInterval(running.reload, LIVE_POLL_MS);
  const pages = useCursorPages();
  const [filters, setFilter] = useQueryState(query, ['status'] as const, pages);
  const history = useResource(
    () =>
      unwrap(
        ctx.api.GET('/v1/sync-runs', {
          params: {
            query: {
              limit: 25,
              ...(pages.cursor ? { cursor: pages.cursor } : {}),
              ...(filters.status ? { status: filters.status as (typeof STATUSES)[number] } : {}),
            },
          },
        }),
      ),
    [pages.cursor, filters.status],
  );
  return (
    <>
      <h1>{ctx.strings.nav.syncs}</h1>
      <h2>{t.running}</h2>
      {running.error && <ErrorNotice error={running.error} onRetry={running.reload} />}
      {running.data ? <RunsTable ctx={ctx} caption={t.running} rows={running.data.data} live /> : <Loading />}
      <h2>{t.history}</h2>
      <div class="toolbar">
        <SelectField
          label={ctx.strings.connections.status}
          value={filters.status}
          allLabel={ctx.strings.form.all}
          options={STATUSES.map((s) => ({ value: s, label: ctx.strings.status[s] ?? s }))}
          onChange={(v) => setFilter('status', v)}
        />
      </div>
      {history.error && <ErrorNotice error={history.error} onRetry={history.reload} />}
      {history.data ? (
        <>
          <RunsTable ctx={ctx} caption={t.caption} rows={history.data.data} />
          <Pagination pages={pages} nextCursor={history.data.next_cursor} />
        </>
      ) : (
        !history.error && <Loading />
      )}
    </>
  );
}

function RunsTable({ ctx, caption, rows, live }: { ctx: PortalContext; caption: string; rows: Run[]; live?: boolean }) {
  const t = ctx.strings.syncs;
  const columns: Column<Run>[] = [
    {
      header: t.connection,
      cell: (r) => (
        <Link
          href={sectionHref('connections', r.connection_id)}
          onNavigate={ctx.navigate}
        >{`${r.provider ?? ''} ${r.connection_id.slice(0, 8)}`}</Link>
      ),
    },
    { header: t.kind, cell: (r) => r.kind },
    { header: ctx.strings.connections.status, cell: (r) => <StatusBadge status={r.status} /> },
    { header: t.pages, cell: (r) => formatNumber(r.pages), numeric: true },
    { header: t.records, cell: (r) => formatNumber(r.records), numeric: true },
    { header: t.rateLimitWaits, cell: (r) => formatNumber(r.rate_limit_waits), numeric: true },
    { header: t.started, cell: (r) => formatTime(r.started_at) },
    ...(live ? [] : [{ header: t.finished, cell: (r: Run) => formatTime(r.finished_at) }]),
    { header: t.error, cell: (r) => r.error ?? '' },
  ];
  return <DataTable caption={caption} rows={rows} rowKey={(r) => r.id} columns={columns} />;
}

export const syncsSection: Section = { id: 'syncs', title: strings.nav.syncs, Page: SyncsPage };
