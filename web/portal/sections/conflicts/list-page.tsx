import { unwrap, type Row } from '../../../shared/api.ts';
import { StatusBadge } from '../../../shared/badge.tsx';
import { formatTime } from '../../../shared/format.ts';
import { Link } from '../../../shared/layout.tsx';
import { PagedTable, useCursorPages } from '../../../shared/table.tsx';
import { useResource } from '../../../shared/use-resource.ts';
import { sectionHref, type SectionProps } from '../../context.ts';
import { loadSites, siteName } from '../content/sites.ts';
import { fieldLabels } from '../content/strings.ts';
import { conflictStrings as t } from './strings.ts';

type Conflict = Row<'/v1/conflicts'>;
const TABS = ['open', 'resolved'] as const;

/** The open queue and the history of resolved conflicts, as two tabs of one list. */
export function ConflictListPage({ ctx, query }: SectionProps) {
  const status = query.get('status') === 'resolved' ? 'resolved' : 'open';
  const pages = useCursorPages();
  const list = useResource(
    () =>
      unwrap(
        ctx.api.GET('/v1/conflicts', {
          params: { query: { status, limit: 50, ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
        }),
      ),
    [status, pages.cursor],
  );
  const sites = useResource(() => loadSites(ctx.api), []);
  const fields = (c: Conflict) => c.fields.map((f) => fieldLabels[f.field] ?? f.field).join(', ');
  return (
    <section aria-labelledby="conflicts-title">
      <h1 id="conflicts-title">{t.title}</h1>
      <nav class="tabs" aria-label={t.tabsLabel}>
        {TABS.map((s) => (
          <Link
            key={s}
            href={s === 'open' ? sectionHref('conflicts') : `${sectionHref('conflicts')}?status=${s}`}
            onNavigate={(h) => (pages.reset(), ctx.navigate(h))}
            current={s === status}
          >
            {t.tabs[s]}
          </Link>
        ))}
      </nav>
      <PagedTable<Conflict>
        caption={t.listCaption[status]}
        list={list}
        pages={pages}
        rowKey={(c) => c.id}
        columns={[
          {
            header: t.columns.fields,
            cell: (c) => (
              <Link href={sectionHref('conflicts', c.id)} onNavigate={ctx.navigate}>
                {t.open(fields(c))}
              </Link>
            ),
          },
          { header: t.columns.site, cell: (c) => siteName(sites.data, c.connection_id) },
          {
            header: t.columns.status,
            cell: (c) => <StatusBadge status={c.status} tone={c.status === 'open' ? 'warn' : 'ok'} />,
          },
          { header: t.columns.raised, cell: (c) => formatTime(c.created_at) },
          ...(status === 'resolved'
            ? [{ header: t.columns.resolved, cell: (c: Conflict) => formatTime(c.resolved_at) }]
            : []),
        ]}
      />
    </section>
  );
}
