import { unwrap, type Row } from '../../../shared/api.ts';
import { StatusBadge } from '../../../shared/badge.tsx';
import { SelectField } from '../../../shared/form.tsx';
import { formatTime } from '../../../shared/format.ts';
import { Link } from '../../../shared/layout.tsx';
import { PagedTable, useCursorPages } from '../../../shared/table.tsx';
import { useResource } from '../../../shared/use-resource.ts';
import { sectionHref, type SectionProps } from '../../context.ts';
import { formatMoney } from './money.ts';
import { adsStrings as t } from './strings.ts';

type Entity = Row<'/v1/ads/campaigns'>;
const LEVELS = ['accounts', 'campaigns', 'ad-groups', 'ads'] as const;
type Level = (typeof LEVELS)[number];
const STATUSES = ['active', 'paused', 'pending', 'archived', 'deleted', 'error', 'unknown'] as const;
const TONE: Record<string, 'ok' | 'warn' | 'error' | 'info' | 'neutral'> = {
  active: 'ok',
  paused: 'neutral',
  pending: 'info',
  archived: 'neutral',
  deleted: 'warn',
  error: 'error',
};

const PATHS = {
  accounts: '/v1/ads/accounts',
  campaigns: '/v1/ads/campaigns',
  'ad-groups': '/v1/ads/ad-groups',
  ads: '/v1/ads/ads',
} as const;

/** Accounts, campaigns, ad groups and ads across platforms, one level at a time, with their status. */
export function EntitiesPage({ ctx, query }: SectionProps) {
  const level: Level = LEVELS.find((l) => l === query.get('level')) ?? 'campaigns';
  const status = STATUSES.find((s) => s === query.get('status'));
  const pages = useCursorPages();
  const list = useResource(
    () =>
      unwrap(
        ctx.api.GET(PATHS[level], {
          params: {
            query: { limit: 50, ...(status ? { status } : {}), ...(pages.cursor ? { cursor: pages.cursor } : {}) },
          },
        }),
      ),
    [level, status, pages.cursor],
  );
  const href = (l: Level, s: string | undefined) => `${sectionHref('ads')}?level=${l}${s ? `&status=${s}` : ''}`;
  const go = (h: string) => {
    pages.reset();
    ctx.navigate(h);
  };
  return (
    <section aria-labelledby="ads-title">
      <h1 id="ads-title">{t.title}</h1>
      <nav class="tabs" aria-label={t.levelsLabel}>
        {LEVELS.map((l) => (
          <Link key={l} href={href(l, status)} onNavigate={go} current={l === level}>
            {t.levels[l]}
          </Link>
        ))}
      </nav>
      <div class="toolbar">
        <SelectField
          label={t.statusFilter}
          value={status ?? ''}
          allLabel={t.anyStatus}
          options={STATUSES.map((s) => ({ value: s, label: t.statuses[s] ?? s }))}
          onChange={(v) => go(href(level, v || undefined))}
        />
      </div>
      <PagedTable<Entity>
        caption={t.caption(t.levels[level] ?? level)}
        list={list}
        pages={pages}
        rowKey={(e) => e.id}
        columns={[
          {
            header: t.columns.name,
            cell: (e) =>
              level === 'campaigns' ? (
                <Link href={sectionHref('ads', 'campaigns', e.id)} onNavigate={ctx.navigate}>
                  {e.name ?? t.unnamed}
                </Link>
              ) : (
                (e.name ?? t.unnamed)
              ),
          },
          { header: t.columns.platform, cell: (e) => e.provider },
          {
            header: t.columns.status,
            cell: (e) => <StatusBadge status={t.statuses[e.status] ?? e.status} tone={TONE[e.status] ?? 'neutral'} />,
          },
          { header: t.columns.account, cell: (e) => e.account_id },
          { header: t.columns.budget, numeric: true, cell: (e) => formatMoney(e.daily_budget_micros, e.currency) },
          { header: t.columns.updated, cell: (e) => formatTime(e.updated_at) },
        ]}
      />
    </section>
  );
}
