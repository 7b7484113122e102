import { unwrap, type Row } from '../../../shared/api.ts';
import { formatTime } from '../../../shared/format.ts';
import { ErrorNotice, Loading } from '../../../shared/layout.tsx';
import { DataTable } from '../../../shared/table.tsx';
import { useResource } from '../../../shared/use-resource.ts';
import type { PortalContext } from '../../context.ts';
import { formatMoney } from './money.ts';
import { adsStrings as t } from './strings.ts';

type Revision = Row<'/v1/ads/campaigns/{id}/metrics/revisions'>;
const METRICS = ['spend_micros', 'impressions', 'clicks', 'conversions'] as const;
const LABEL = {
  spend_micros: t.series.spend,
  impressions: t.series.impressions,
  clicks: t.series.clicks,
  conversions: t.series.conversions,
};

interface ChangeRow {
  key: string;
  when: string;
  entity: string;
  metric: string;
  before: string;
  after: string;
}

/** Each restatement of one day: per entity and changed metric, the numbers before and after. */
export function Revisions({
  ctx,
  campaignId,
  date,
  currency,
}: {
  ctx: PortalContext;
  campaignId: string;
  date: string;
  currency: string | null;
}) {
  const list = useResource(
    () =>
      unwrap(
        ctx.api.GET('/v1/ads/campaigns/{id}/metrics/revisions', {
          params: { path: { id: campaignId }, query: { date } },
        }),
      ),
    [campaignId, date],
  );
  const show = (m: (typeof METRICS)[number], v: number | null) =>
    m === 'spend_micros' ? formatMoney(v, currency) : v === null ? '—' : v.toLocaleString();
  const rows: ChangeRow[] = (list.data?.data ?? []).flatMap((r: Revision) =>
    METRICS.filter((m) => r.previous[m] !== r.current[m]).map((m) => ({
      key: `${r.id}:${m}`,
      when: formatTime(r.changed_at),
      entity: r.name ?? r.platform_id,
      metric: LABEL[m],
      before: show(m, r.previous[m]),
      after: show(m, r.current[m]),
    })),
  );
  return (
    <section class="panel" aria-labelledby="revisions-title">
      <h2 id="revisions-title">{t.revisionsTitle(date)}</h2>
      {list.error && <ErrorNotice error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p>{t.noRevisions}</p>
      ) : (
        <DataTable<ChangeRow>
          caption={t.revisionsCaption(date)}
          rows={rows}
          rowKey={(r) => r.key}
          columns={[
            { header: t.revisionColumns.when, cell: (r) => r.when },
            { header: t.revisionColumns.entity, cell: (r) => r.entity },
            { header: t.revisionColumns.metric, cell: (r) => r.metric },
            { header: t.revisionColumns.before, numeric: true, cell: (r) => r.before },
            { header: t.revisionColumns.after, numeric: true, cell: (r) => r.after },
          ]}
        />
      )}
    </section>
  );
}
