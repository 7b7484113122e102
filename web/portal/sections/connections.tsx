import { unwrap, type Row } from '../../shared/api.ts';
import { StatusBadge } from '../../shared/badge.tsx';
import { strings } from '../../shared/strings.ts';
import { SelectField } from '../../shared/form.tsx';
import { formatTime } from '../../shared/format.ts';
import { Link } from '../../shared/layout.tsx';
import { PagedTable, useCursorPages } from '../../shared/table.tsx';
import { useResource } from '../../shared/use-resource.ts';
import { sectionHref, type Section, type SectionProps } from '../context.ts';
import { connectionName, listHealth } from '../components/health.ts';
import { useQueryState } from '../components/use-query-state.ts';
import { ConnectionDetail } from './connection-detail.tsx';

type Connection = Row<'/v1/connections'>;
const STATUSES = ['active', 'needs_reauth', 'error', 'pending'] as const;

function ConnectionsPage(props: SectionProps) {
  const id = props.path[0];
  return id ? <ConnectionDetail {...props} id={id} /> : <ConnectionList {...props} />;
}

/** Connections with their health, filtered by platform and status, a page at a time. */
function ConnectionList({ ctx, query }: SectionProps) {
  const t = ctx.strings.connections;
  const pages = useCursorPages();
  const [filters, setFilter] = useQueryState(query, ['provider', 'status'] as const, pages);
  const providers = useResource(() => unwrap(ctx.api.GET('/v1/providers')), []);
  const list = useResource(
    () =>
      unwrap(
        ctx.api.GET('/v1/connections', {
          params: {
            query: {
              limit: 25,
              ...(pages.cursor ? { cursor: pages.cursor } : {}),
              ...(filters.provider ? { provider: filters.provider as never } : {}),
              ...(filters.status ? { status: filters.status as (typeof STATUSES)[number] } : {}),
            },
          },
        }),
      ),
    [pages.cursor, filters.provider, filters.status],
  );
  return (
    <>
      <h1>{ctx.strings.nav.connections}</h1>
      <div class="toolbar">
        <SelectField
          label={t.provider}
          value={filters.provider}
          allLabel={ctx.strings.form.all}
          options={(providers.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
          onChange={(v) => setFilter('provider', v)}
        />
        <SelectField
          label={t.status}
          value={filters.status}
          allLabel={ctx.strings.form.all}
          options={STATUSES.map((s) => ({ value: s, label: ctx.strings.status[s] ?? s }))}
          onChange={(v) => setFilter('status', v)}
        />
      </div>
      <PagedTable<Connection>
        list={list}
        pages={pages}
        caption={t.caption}
        rowKey={(c) => c.id}
        columns={[
          {
            header: t.account,
            cell: (c) => (
              <Link href={sectionHref('connections', c.id)} onNavigate={ctx.navigate}>
                {connectionName(c)}
              </Link>
            ),
          },
          {
            header: t.provider,
            cell: (c) => providers.data?.data.find((p) => p.id === c.provider)?.name ?? c.provider,
          },
          { header: t.status, cell: (c) => <StatusBadge status={c.status} /> },
          { header: t.health, cell: (c) => <StatusBadge status={listHealth(c)} /> },
          { header: t.lastSync, cell: (c) => formatTime(c.last_sync_at) },
          { header: t.created, cell: (c) => formatTime(c.created_at) },
        ]}
      />
    </>
  );
}

export const connectionsSection: Section = { id: 'connections', title: strings.nav.connections, Page: ConnectionsPage };
