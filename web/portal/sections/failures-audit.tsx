import { unwrap, type Row } from '../../shared/api.ts';
import { formatTime } from '../../shared/format.ts';
import {} from '../../shared/layout.tsx';
import { PagedTable, useCursorPages } from '../../shared/table.tsx';
import { useResource } from '../../shared/use-resource.ts';
import type { SectionProps } from '../context.ts';

type Entry = Row<'/v1/audit'>;

/** The audit trail: who did what, newest first. */
export function AuditTrail({ ctx }: SectionProps) {
  const t = ctx.strings.failures;
  const pages = useCursorPages();
  const list = useResource(
    () =>
      unwrap(
        ctx.api.GET('/v1/audit', {
          params: { query: { limit: 25, ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
        }),
      ),
    [pages.cursor],
  );
  return (
    <>
      <h2>{t.audit}</h2>
      <PagedTable<Entry>
        list={list}
        pages={pages}
        caption={t.audit}
        rowKey={(e) => e.id}
        columns={[
          { header: t.at, cell: (e) => formatTime(e.at) },
          {
            header: t.actor,
            cell: (e) =>
              `${e.actor.type}${e.actor.label ? ` ${e.actor.label}` : e.actor.id ? ` ${e.actor.id.slice(0, 8)}` : ''}`,
          },
          { header: t.action, cell: (e) => e.action },
          { header: t.target, cell: (e) => (e.target ? `${e.target.type} ${e.target.id?.slice(0, 8) ?? ''}` : '—') },
        ]}
      />
    </>
  );
}
