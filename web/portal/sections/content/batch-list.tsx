import { unwrap, type Row } from '../../../shared/api.ts';
import { StatusBadge } from '../../../shared/badge.tsx';
import { formatTime } from '../../../shared/format.ts';
import { Link } from '../../../shared/layout.tsx';
import { DataTable } from '../../../shared/table.tsx';
import { useResource } from '../../../shared/use-resource.ts';
import { sectionHref, type PortalContext } from '../../context.ts';
import { contentStrings as t } from './strings.ts';

type BatchRow = Row<'/v1/publish'>;

/** The latest publish batches (real ones: dry runs are shown where they were asked for), each opening its progress page. */
export function BatchList({ ctx }: { ctx: PortalContext }) {
  const batches = useResource(() => unwrap(ctx.api.GET('/v1/publish', { params: { query: { limit: 20 } } })), []);
  const rows = batches.data?.data.filter((b) => !b.dry_run) ?? [];
  return (
    <section aria-labelledby="batches-title">
      <h2 id="batches-title">{t.batches}</h2>
      <DataTable<BatchRow>
        caption={t.batchesCaption}
        rows={rows}
        rowKey={(b) => b.id}
        columns={[
          {
            header: t.batchColumnsList.created,
            cell: (b) => (
              <Link href={sectionHref('content', 'batches', b.id)} onNavigate={ctx.navigate}>
                {t.viewBatch(formatTime(b.created_at))}
              </Link>
            ),
          },
          { header: t.batchColumnsList.status, cell: (b) => <StatusBadge status={b.status} /> },
          { header: t.batchColumnsList.progress, cell: (b) => t.progressText(b.done, b.failed, b.total) },
        ]}
      />
    </section>
  );
}
