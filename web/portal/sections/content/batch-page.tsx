import { useState } from 'preact/hooks';
import { unwrap } from '../../../shared/api.ts';
import { StatusBadge } from '../../../shared/badge.tsx';
import { ActionButton } from '../../../shared/form.tsx';
import { formatTime } from '../../../shared/format.ts';
import { Facts } from '../../../shared/layout.tsx';
import { DataTable } from '../../../shared/table.tsx';
import { useToasts } from '../../../shared/toasts.tsx';
import { useResource } from '../../../shared/use-resource.ts';
import { sectionHref, type PortalContext } from '../../context.ts';
import { useBatch, type Batch } from './batch-poll.ts';
import { DetailFrame } from './detail-frame.tsx';
import { loadSites, siteName } from './sites.ts';
import { contentStrings as t } from './strings.ts';

type BatchItem = Batch['items'][number];
const PAGE = 25;
const ITEM_TONE: Record<BatchItem['status'], 'ok' | 'warn' | 'error' | 'info' | 'neutral'> = {
  done: 'ok',
  pending: 'info',
  conflict: 'warn',
  failed: 'error',
  rolled_back: 'neutral',
};
const ROLLBACKABLE = new Set(['completed', 'completed_with_errors', 'failed']);

/** One batch, live: its progress while it runs, each item on each site, and its rollback. */
export function BatchPage({ ctx, id }: { ctx: PortalContext; id: string }) {
  const toasts = useToasts();
  const batch = useBatch(ctx.api, id);
  const sites = useResource(() => loadSites(ctx.api), []);
  const [page, setPage] = useState(0);
  const rows = batch.data?.items.slice(page * PAGE, (page + 1) * PAGE) ?? [];
  const visible = [...new Set(rows.map((r) => r.item_id))];
  // Titles of the rows on screen only: a batch may hold thousands of items.
  const titles = useResource(
    async () =>
      new Map(
        await Promise.all(
          visible.map(
            async (i) =>
              [i, (await unwrap(ctx.api.GET('/v1/content/{id}', { params: { path: { id: i } } }))).title] as const,
          ),
        ),
      ),
    [visible.join(',')],
  );
  const rollback = () =>
    toasts.run(async () => {
      await unwrap(ctx.api.POST('/v1/publish/{id}/rollback', { params: { path: { id } } }));
      batch.reload();
    }, t.rollingBack);
  return (
    <DetailFrame
      ctx={ctx}
      back={{ href: sectionHref('content'), label: t.backToItems }}
      title={t.batchTitle}
      resource={batch}
    >
      {(b) => (
        <>
          <Facts
            items={[
              [t.batchColumnsList.status, <StatusBadge status={b.status} />],
              [t.batchColumnsList.created, formatTime(b.created_at)],
              [t.batchColumnsList.dryRun, b.dry_run ? t.yes : t.no],
            ]}
          />
          <p>
            <progress class="progress" aria-label={t.progressLabel} max={b.total} value={b.done + b.failed} />
          </p>
          <p role="status" aria-live="polite">
            {t.progressText(b.done, b.failed, b.total)}
          </p>
          {b.error && <p class="notice error">{b.error.message}</p>}
          <div class="actions">
            <ActionButton
              kind="danger"
              hidden={ctx.session.readOnly || b.dry_run || !ROLLBACKABLE.has(b.status)}
              confirm={t.rollbackConfirm}
              onAction={rollback}
            >
              {t.rollback}
            </ActionButton>
          </div>
          <DataTable<BatchItem>
            caption={t.batchItemsCaption}
            rows={rows}
            rowKey={(r) => `${r.item_id}:${r.connection_id}`}
            columns={[
              { header: t.batchColumns.item, cell: (r) => titles.data?.get(r.item_id) ?? r.item_id },
              { header: t.batchColumns.site, cell: (r) => siteName(sites.data, r.connection_id) },
              {
                header: t.batchColumns.status,
                cell: (r) => <StatusBadge status={r.status} tone={ITEM_TONE[r.status]} />,
              },
              {
                header: t.batchColumns.action,
                cell: (r) => (r.action ? (t.actions[r.action] ?? r.action) : t.nothing),
              },
              { header: t.batchColumns.error, cell: (r) => r.error?.message ?? t.nothing },
            ]}
          />
          {b.items.length > PAGE && (
            <nav class="pagination" aria-label={ctx.strings.table.pagination}>
              <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
                {ctx.strings.table.previousPage}
              </button>
              <span aria-live="polite">{ctx.strings.table.pageN(page + 1)}</span>
              <button type="button" disabled={(page + 1) * PAGE >= b.items.length} onClick={() => setPage(page + 1)}>
                {ctx.strings.table.nextPage}
              </button>
            </nav>
          )}
        </>
      )}
    </DetailFrame>
  );
}
