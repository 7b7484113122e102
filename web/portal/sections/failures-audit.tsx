import { unwrap, type Row } from '../../shared/api.ts';
import { formatTime } from '../../shared/format.ts';
import { ErrorNotice, Loading } from '../../shared/layout.tsx';
import { DataTable, Pagination, useCursorPages } from '../../shared/table.tsx';
import { useResource } from '../../shared/use-resource.ts';
import type { SectionProps } from '../context.ts';

type Entry = Row<'/v1/audit'>;

/** The audit trail: who did what, newest first. */
export function AuditTrail({ ctx }: SectionProps) {
  const t = ctx.strings.failures;
  const pages = useCursorPages();
  const list = useResource(() => unwrap(ctx.api.GET('/v1/audit', { params: { query: { limit: 25, ...(pages.cursor ? { cursor: pages.cursor } : {}) } } })), [pages.cursor]);
  return (
    <>
      <h2>{t.audit}</h2>
      {list.error && <ErrorNotice error={list.error} onRetry={list.reload} />}
      {list.data ? (
        <>
          <DataTable<Entry>
            caption={t.audit}
            rows={list.data.data}
            rowKey={(e) => e.id}
            columns={[
              { header: t.at, cell: (e) => formatTime(e.at) },
              { header: t.actor, cell: (e) => `${e.actor.type}${e.actor.label ? ` ${e.actor.label}` : e.actor.id ? ` ${e.actor.id.slice(0, 8)}` : ''}` },
              { header: t.action, cell: (e) => e.action },
              { header: t.target, cell: (e) => (e.target ? `${e.target.type} ${e.target.id?.slice(0, 8) ?? ''}` : '—') },
            ]}
          />
          <Pagination pages={pages} nextCursor={list.data.next_cursor} />
        </>
      ) : (
        !list.error && <Loading />
      )}
    </>
  );
}
