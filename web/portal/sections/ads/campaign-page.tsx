import { useId, useState } from 'preact/hooks';
import { unwrap, type Ok } from '../../../shared/api.ts';
import { ErrorNotice, Link, Loading } from '../../../shared/layout.tsx';
import { DataTable } from '../../../shared/table.tsx';
import { useResource } from '../../../shared/use-resource.ts';
import { sectionHref, type PortalContext } from '../../context.ts';
import { MetricsChart } from './metrics-chart.tsx';
import { formatMoney } from './money.ts';
import { Revisions } from './revisions.tsx';
import { adsStrings as t } from './strings.ts';

type DayRow = Ok<'/v1/ads/campaigns/{id}/metrics'>['data'][number];
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** A campaign's numbers over time: a chart (or the same numbers as a table) and each day's restatement history. */
export function CampaignPage({ ctx, id }: { ctx: PortalContext; id: string }) {
  const today = new Date();
  const [range, setRange] = useState({
    since: isoDay(new Date(today.getTime() - 29 * 86_400_000)),
    until: isoDay(today),
  });
  const [draft, setDraft] = useState(range);
  const [view, setView] = useState<'chart' | 'table'>('chart');
  const [historyOf, setHistoryOf] = useState<string>();
  const report = useResource(
    () => unwrap(ctx.api.GET('/v1/ads/campaigns/{id}/metrics', { params: { path: { id }, query: range } })),
    [id, range.since, range.until],
  );
  const sinceId = useId();
  const untilId = useId();
  const r = report.data;
  const name = r?.campaign.name ?? t.unnamed;
  const currency = r?.campaign.currency ?? r?.data[0]?.currency ?? null;

  return (
    <section aria-labelledby="campaign-title">
      <p>
        <Link href={sectionHref('ads')} onNavigate={ctx.navigate}>
          {t.back}
        </Link>
      </p>
      <h1 id="campaign-title">
        {t.report}: {name}
      </h1>
      <form class="toolbar" aria-label={t.report} onSubmit={(e) => (e.preventDefault(), setRange(draft))}>
        <div class="field">
          <label for={sinceId}>{t.range.since}</label>
          <input
            id={sinceId}
            type="date"
            value={draft.since}
            required
            onInput={(e) => setDraft({ ...draft, since: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for={untilId}>{t.range.until}</label>
          <input
            id={untilId}
            type="date"
            value={draft.until}
            required
            onInput={(e) => setDraft({ ...draft, until: e.currentTarget.value })}
          />
        </div>
        <button type="submit">{t.show}</button>
      </form>
      <div class="actions" role="group" aria-label={t.viewLabel}>
        <button type="button" aria-pressed={view === 'chart'} onClick={() => setView('chart')}>
          {t.view.chart}
        </button>
        <button type="button" aria-pressed={view === 'table'} onClick={() => setView('table')}>
          {t.view.table}
        </button>
      </div>
      {report.error && <ErrorNotice error={report.error} onRetry={report.reload} />}
      {!r ? (
        report.loading && <Loading />
      ) : r.data.length === 0 ? (
        <p>{t.noData}</p>
      ) : view === 'chart' ? (
        <MetricsChart days={r.data} name={name} currency={currency} />
      ) : (
        <DataTable<DayRow>
          caption={t.tableCaption}
          rows={r.data}
          rowKey={(d) => `${d.date}:${d.currency ?? ''}`}
          columns={[
            { header: t.day, cell: (d) => d.date },
            { header: t.series.spend, numeric: true, cell: (d) => formatMoney(d.spend_micros, d.currency) },
            { header: t.series.impressions, numeric: true, cell: (d) => d.impressions.toLocaleString() },
            { header: t.series.clicks, numeric: true, cell: (d) => d.clicks.toLocaleString() },
            { header: t.series.conversions, numeric: true, cell: (d) => d.conversions.toLocaleString() },
            {
              header: t.history,
              cell: (d) => (
                <button type="button" onClick={() => setHistoryOf(d.date)}>
                  {t.historyOf(d.date)}
                </button>
              ),
            },
          ]}
        />
      )}
      {historyOf && <Revisions ctx={ctx} campaignId={id} date={historyOf} currency={currency} />}
    </section>
  );
}
