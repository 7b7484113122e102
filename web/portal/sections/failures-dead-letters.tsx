import { unwrap, type Row } from '../../shared/api.ts';
import { StatusBadge } from '../../shared/badge.tsx';
import { ActionButton, SelectField } from '../../shared/form.tsx';
import { formatNumber, formatTime } from '../../shared/format.ts';
import {} from '../../shared/layout.tsx';
import { PagedTable, useCursorPages } from '../../shared/table.tsx';
import { useToasts } from '../../shared/toasts.tsx';
import { useResource } from '../../shared/use-resource.ts';
import type { SectionProps } from '../context.ts';
import { useQueryState } from '../components/use-query-state.ts';

type DeadLetter = Row<'/v1/dead-letters'>;

/** Jobs that failed for good, with their error and a replay button. */
export function DeadLetters({ ctx, query }: SectionProps) {
  const t = ctx.strings.failures;
  const toasts = useToasts();
  const pages = useCursorPages();
  const [filters, setFilter] = useQueryState(query, ['replayed'] as const, pages);
  const list = useResource(
    () =>
      unwrap(
        ctx.api.GET('/v1/dead-letters', {
          params: {
            query: {
              limit: 25,
              ...(pages.cursor ? { cursor: pages.cursor } : {}),
              ...(filters.replayed ? { replayed: filters.replayed as 'true' | 'false' } : {}),
            },
          },
        }),
      ),
    [pages.cursor, filters.replayed],
  );
  const replay = (d: DeadLetter) => () =>
    toasts.run(async () => {
      await unwrap(ctx.api.POST('/v1/dead-letters/{id}/replay', { params: { path: { id: d.id } } }));
      list.reload();
    }, t.replayed);
  return (
    <>
      <h2>{t.deadLetters}</h2>
      <div class="toolbar">
        <SelectField
          label={t.replayedAt}
          value={filters.replayed}
          allLabel={ctx.strings.form.all}
          options={[
            { value: 'false', label: t.notReplayed },
            { value: 'true', label: t.wasReplayed },
          ]}
          onChange={(v) => setFilter('replayed', v)}
        />
      </div>
      <PagedTable<DeadLetter>
        list={list}
        pages={pages}
        caption={t.deadLetters}
        rowKey={(d) => d.id}
        columns={[
          { header: t.task, cell: (d) => d.task },
          {
            header: t.error,
            cell: (d) => (
              <>
                <StatusBadge status={d.error_code} tone="error" /> {d.error_message}
              </>
            ),
          },
          { header: t.attempts, cell: (d) => formatNumber(d.attempts), numeric: true },
          { header: t.failedAt, cell: (d) => formatTime(d.failed_at) },
          { header: t.replayedAt, cell: (d) => (d.replayed_at ? formatTime(d.replayed_at) : '—') },
          ...(ctx.session.readOnly
            ? []
            : [
                {
                  header: t.replay,
                  cell: (d: DeadLetter) => (
                    <ActionButton disabled={d.replayed_at !== null} onAction={replay(d)}>
                      {t.replay}
                      <span class="visually-hidden">
                        {' '}
                        {d.task} {formatTime(d.failed_at)}
                      </span>
                    </ActionButton>
                  ),
                },
              ]),
        ]}
      />
    </>
  );
}
