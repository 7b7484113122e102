import type { Row } from '../../shared/api.ts';
import { StatusBadge } from '../../shared/badge.tsx';
import { formatDuration, formatTime } from '../../shared/format.ts';
import { Link } from '../../shared/layout.tsx';
import { DataTable } from '../../shared/table.tsx';
import { sectionHref, type PortalContext } from '../context.ts';

type Operation = Row<'/v1/operations'>;

/** Operations as a table: type, status, start and duration ; each links to its messages. */
export function OperationsTable({ ctx, rows, caption }: { ctx: PortalContext; rows: Operation[]; caption: string }) {
  const f = ctx.strings.failures;
  return (
    <DataTable
      caption={caption}
      rows={rows}
      rowKey={(o) => o.id}
      columns={[
        {
          header: f.type,
          cell: (o) => (
            <Link href={sectionHref('failures', 'operations', o.id)} onNavigate={ctx.navigate}>
              {o.type}
            </Link>
          ),
        },
        { header: f.status, cell: (o) => <StatusBadge status={o.status} /> },
        { header: f.started, cell: (o) => formatTime(o.started_at) },
        { header: f.duration, cell: (o) => formatDuration(o.duration_ms), numeric: true },
        { header: f.error, cell: (o) => o.error?.message ?? '' },
      ]}
    />
  );
}
