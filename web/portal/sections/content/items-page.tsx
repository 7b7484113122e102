import { useState } from 'preact/hooks';
import { unwrap, type Row } from '../../../shared/api.ts';
import { StatusBadge } from '../../../shared/badge.tsx';
import { SelectField } from '../../../shared/form.tsx';
import { formatTime } from '../../../shared/format.ts';
import { PagedTable, useCursorPages } from '../../../shared/table.tsx';
import { useResource } from '../../../shared/use-resource.ts';
import { sectionHref, type SectionProps } from '../../context.ts';
import { BatchList } from './batch-list.tsx';
import { PublishPanel } from './publish-panel.tsx';
import { loadSites, siteName, type Site } from './sites.ts';
import { contentStrings as t } from './strings.ts';

type Item = Row<'/v1/content'>;
type Target = Row<'/v1/content/targets'>;
const STATES = ['pending', 'synced', 'conflict', 'remote_deleted', 'rolled_back', 'failed'] as const;
const TONE: Record<string, 'ok' | 'warn' | 'error' | 'info'> = {
  synced: 'ok',
  pending: 'info',
  conflict: 'warn',
  remote_deleted: 'warn',
  rolled_back: 'info',
  failed: 'error',
};

/** The org's items, filtered by their state on a site, each with its state on every site; select some to publish. */
export function ItemsPage({ ctx, query }: SectionProps) {
  const { api, session } = ctx;
  const state = STATES.find((s) => s === query.get('state'));
  const pages = useCursorPages();
  const items = useResource(
    () =>
      unwrap(
        api.GET('/v1/content', {
          params: {
            query: { limit: 50, ...(state ? { state } : {}), ...(pages.cursor ? { cursor: pages.cursor } : {}) },
          },
        }),
      ),
    [state, pages.cursor],
  );
  const ids = items.data?.data.map((i) => i.id) ?? [];
  const targets = useResource(
    async () =>
      ids.length
        ? (await unwrap(api.GET('/v1/content/targets', { params: { query: { item_ids: ids.join(',') } } }))).data
        : [],
    [ids.join(',')],
  );
  const sites = useResource(() => loadSites(api), []);
  const [selected, setSelected] = useState<Map<string, Item>>(new Map());
  const [publishing, setPublishing] = useState(false);

  const setFilter = (v: string) => {
    pages.reset();
    ctx.navigate(v ? `${sectionHref('content')}?state=${encodeURIComponent(v)}` : sectionHref('content'));
  };
  const toggle = (i: Item, on: boolean) =>
    setSelected((s) => {
      const next = new Map(s);
      if (on) next.set(i.id, i);
      else next.delete(i.id);
      return next;
    });
  const pageItems = items.data?.data ?? [];
  const allOnPage = pageItems.length > 0 && pageItems.every((i) => selected.has(i.id));

  return (
    <section aria-labelledby="content-title">
      <h1 id="content-title">{t.title}</h1>
      <div class="toolbar">
        <SelectField
          label={t.stateFilter}
          value={state ?? ''}
          allLabel={t.anyState}
          options={STATES.map((s) => ({ value: s, label: t.states[s] ?? s }))}
          onChange={setFilter}
        />
        {!session.readOnly && (
          <>
            <label class="check">
              <input
                type="checkbox"
                checked={allOnPage}
                onChange={(e) => pageItems.forEach((i) => toggle(i, e.currentTarget.checked))}
              />
              {t.selectPage}
            </label>
            <span aria-live="polite">{t.selected(selected.size)}</span>
            <button type="button" class="primary" disabled={selected.size === 0} onClick={() => setPublishing(true)}>
              {t.publishSelected}
            </button>
          </>
        )}
      </div>
      {publishing && sites.data && (
        <PublishPanel
          ctx={ctx}
          items={[...selected.values()]}
          sites={sites.data}
          onCancel={() => setPublishing(false)}
          onStarted={(id) => ctx.navigate(sectionHref('content', 'batches', id))}
        />
      )}
      <PagedTable<Item>
        caption={t.itemsCaption}
        list={items}
        pages={pages}
        rowKey={(i) => i.id}
        columns={[
          ...(session.readOnly
            ? []
            : [
                {
                  header: t.columns.select,
                  cell: (i: Item) => (
                    <input
                      type="checkbox"
                      aria-label={t.selectItem(i.title)}
                      checked={selected.has(i.id)}
                      onChange={(e) => toggle(i, e.currentTarget.checked)}
                    />
                  ),
                },
              ]),
          { header: t.columns.title, cell: (i) => i.title },
          { header: t.columns.kind, cell: (i) => i.kind },
          { header: t.columns.status, cell: (i) => i.status },
          {
            header: t.columns.sites,
            cell: (i) => <SiteStates targets={targets.data?.filter((x) => x.item_id === i.id)} sites={sites.data} />,
          },
          { header: t.columns.updated, cell: (i) => formatTime(i.updated_at) },
        ]}
      />
      <BatchList ctx={ctx} />
    </section>
  );
}

function SiteStates({ targets, sites }: { targets: Target[] | undefined; sites: Site[] | undefined }) {
  if (!targets) return null;
  if (!targets.length) return <span>{t.notOnAnySite}</span>;
  return (
    <ul class="plain">
      {targets.map((x) => (
        <li key={x.connection_id}>
          {siteName(sites, x.connection_id)}:{' '}
          <StatusBadge status={t.states[x.state] ?? x.state} tone={TONE[x.state] ?? 'neutral'} />
        </li>
      ))}
    </ul>
  );
}
