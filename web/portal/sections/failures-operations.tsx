import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { unwrap, type Row } from '../../shared/api.ts';
import { StatusBadge } from '../../shared/badge.tsx';
import { SelectField, TextField } from '../../shared/form.tsx';
import { formatDuration, formatTime } from '../../shared/format.ts';
import { ErrorNotice, Facts, Link, Loading } from '../../shared/layout.tsx';
import { DataTable, Pagination, useCursorPages } from '../../shared/table.tsx';
import { useInterval, useResource } from '../../shared/use-resource.ts';
import { sectionHref, type SectionProps } from '../context.ts';
import { OperationsTable } from '../components/operations-table.tsx';
import { useQueryState } from '../components/use-query-state.ts';
import { OPERATION_STATUSES, OPERATION_TYPES } from '../../../src/operations/kinds.ts';

type OperationType = Row<'/v1/operations'>['type'];
type OperationStatus = Row<'/v1/operations'>['status'];

// The server's own lists of kinds and statuses (plain data); typed here, the compiler checks each
// value against the API's generated schema.
const TYPES: readonly OperationType[] = OPERATION_TYPES;
const STATUSES: readonly OperationStatus[] = OPERATION_STATUSES;
const TAIL_MS = 2000;

/** The operations log: filters, pages, and a live tail that keeps the first page current. */
export function OperationsLog({ ctx, query }: SectionProps) {
  const t = ctx.strings.failures;
  const pages = useCursorPages();
  const [filters, setFilter] = useQueryState(query, ['type', 'status', 'q'] as const, pages);
  const [search, setSearch] = useState(filters.q);
  const [tail, setTail] = useState(false);
  const list = useResource(
    () =>
      unwrap(
        ctx.api.GET('/v1/operations', {
          params: {
            query: {
              limit: 25,
              ...(pages.cursor ? { cursor: pages.cursor } : {}),
              ...(filters.type ? { type: filters.type as OperationType } : {}),
              ...(filters.status ? { status: filters.status as OperationStatus } : {}),
              ...(filters.q ? { q: filters.q } : {}),
            },
          },
        }),
      ),
    [pages.cursor, filters.type, filters.status, filters.q],
  );
  useInterval(list.reload, TAIL_MS, tail && pages.pageNumber === 1);
  return (
    <>
      <h2>{t.operations}</h2>
      <div class="toolbar">
        <SelectField
          label={t.type}
          value={filters.type}
          allLabel={ctx.strings.form.all}
          options={TYPES.map((v) => ({ value: v, label: v }))}
          onChange={(v) => setFilter('type', v)}
        />
        <SelectField
          label={t.status}
          value={filters.status}
          allLabel={ctx.strings.form.all}
          options={STATUSES.map((v) => ({ value: v, label: ctx.strings.status[v] ?? v }))}
          onChange={(v) => setFilter('status', v)}
        />
        <form
          class="toolbar plain"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setFilter('q', search.trim());
          }}
        >
          <TextField label={t.search} type="search" value={search} onInput={setSearch} />
          <button type="submit">{ctx.strings.form.apply}</button>
        </form>
        <div class="field">
          <label>
            <input type="checkbox" checked={tail} onChange={(e) => setTail(e.currentTarget.checked)} /> {t.liveTail}
          </label>
        </div>
      </div>
      {tail && (
        <p class="notice info" role="status">
          {t.liveTailOn}
        </p>
      )}
      {list.error && <ErrorNotice error={list.error} onRetry={list.reload} />}
      {list.data ? (
        <>
          <OperationsTable ctx={ctx} rows={list.data.data} caption={t.operations} />
          <Pagination pages={pages} nextCursor={list.data.next_cursor} />
        </>
      ) : (
        !list.error && <Loading />
      )}
    </>
  );
}

/** One operation with every message and platform call it recorded. */
export function OperationDetail({ ctx, id }: SectionProps & { id: string }) {
  const t = ctx.strings.failures;
  const op = useResource(() => unwrap(ctx.api.GET('/v1/operations/{id}', { params: { path: { id } } })), [id]);
  useInterval(op.reload, TAIL_MS, op.data?.status === 'running');
  if (op.error) return <ErrorNotice error={op.error} />;
  if (!op.data) return <Loading />;
  const o = op.data;
  return (
    <>
      <p>
        <Link href={sectionHref('failures', 'operations')} onNavigate={ctx.navigate}>
          ← {t.operations}
        </Link>
      </p>
      <h2>{`${t.operationTitle}: ${o.type}`}</h2>
      <Facts
        items={[
          [t.status, <StatusBadge status={o.status} />],
          [t.started, formatTime(o.started_at)],
          [t.duration, formatDuration(o.duration_ms)],
          [t.error, o.error ? `${o.error.code}: ${o.error.message}` : '—'],
          ...(o.connection_id
            ? [
                [
                  ctx.strings.syncs.connection,
                  <Link href={sectionHref('connections', o.connection_id)} onNavigate={ctx.navigate}>
                    {o.connection_id}
                  </Link>,
                ] as [string, ComponentChildren],
              ]
            : []),
        ]}
      />
      <DataTable
        caption={t.messages}
        rows={o.messages}
        rowKey={(m) => String(m.seq)}
        columns={[
          { header: t.at, cell: (m) => formatTime(m.at) },
          {
            header: t.status,
            cell: (m) => (
              <StatusBadge
                status={m.level}
                tone={m.level === 'error' ? 'error' : m.level === 'warn' ? 'warn' : 'neutral'}
              />
            ),
          },
          {
            header: t.messages,
            cell: (m) =>
              m.http
                ? `${m.http.method} ${m.http.host}${m.http.path} → ${m.http.status ?? '—'} (${formatDuration(m.http.duration_ms)})`
                : m.message,
          },
        ]}
      />
    </>
  );
}
