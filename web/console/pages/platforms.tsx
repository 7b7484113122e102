import { unwrap } from '../../shared/api.ts';
import { SelectField } from '../../shared/form.tsx';
import { formatNumber } from '../../shared/format.ts';
import { ErrorNotice, Loading } from '../../shared/layout.tsx';
import { DataTable } from '../../shared/table.tsx';
import { useResource } from '../../shared/use-resource.ts';
import type { ConsolePageProps } from '../context.ts';
import { consoleStrings as t } from '../strings.ts';

const percent = (r: number) => `${(r * 100).toFixed(2)} %`;

/** Error and 429 rates of each platform across every org, over a chosen window. */
export function PlatformsPage({ api, navigate, query }: ConsolePageProps) {
  const hours = Number(query.get('hours') ?? '24') || 24;
  const rates = useResource(
    () => unwrap(api.GET('/v1/admin/platform-rates', { params: { query: { hours } } })),
    [hours],
  );
  return (
    <>
      <h1>{t.platforms.heading}</h1>
      <div class="toolbar">
        <SelectField
          label={t.platforms.window}
          value={String(hours)}
          options={t.platforms.windows}
          onChange={(v) => navigate(`/console/platforms?hours=${v}`)}
        />
      </div>
      {rates.error && <ErrorNotice error={rates.error} onRetry={rates.reload} />}
      {!rates.data && rates.loading && <Loading />}
      {rates.data && (
        <DataTable
          caption={t.platforms.caption(rates.data.hours)}
          rowKey={(r) => r.provider}
          rows={rates.data.data}
          columns={[
            { header: t.platforms.platform, cell: (r) => r.provider },
            { header: t.platforms.orgs, numeric: true, cell: (r) => formatNumber(r.orgs) },
            { header: t.platforms.operations, numeric: true, cell: (r) => formatNumber(r.operations) },
            { header: t.platforms.calls, numeric: true, cell: (r) => formatNumber(r.calls) },
            { header: t.platforms.errors, numeric: true, cell: (r) => formatNumber(r.errors) },
            { header: t.platforms.errorRate, numeric: true, cell: (r) => percent(r.error_rate) },
            { header: t.platforms.limited, numeric: true, cell: (r) => formatNumber(r.rate_limited) },
            { header: t.platforms.limitedRate, numeric: true, cell: (r) => percent(r.rate_limited_rate) },
          ]}
        />
      )}
    </>
  );
}
