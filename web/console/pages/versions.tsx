import { unwrap } from '../../shared/api.ts';
import { StatusBadge, type Tone } from '../../shared/badge.tsx';
import { ErrorNotice, Loading } from '../../shared/layout.tsx';
import { DataTable } from '../../shared/table.tsx';
import { useResource } from '../../shared/use-resource.ts';
import type { ConsolePageProps } from '../context.ts';
import { consoleStrings as t } from '../strings.ts';

const TONE: Record<string, Tone> = { current: 'ok', sunset_soon: 'warn', sunset_passed: 'error', unknown: 'neutral' };

/** The API version each platform is called with and its sunset, those needing action first. */
export function VersionsPage({ api }: ConsolePageProps) {
  const versions = useResource(() => unwrap(api.GET('/v1/admin/provider-versions')), []);
  return (
    <>
      <h1>{t.versions.heading}</h1>
      {versions.error && <ErrorNotice error={versions.error} onRetry={versions.reload} />}
      {!versions.data && versions.loading && <Loading />}
      {versions.data && (
        <DataTable
          caption={t.versions.caption}
          rowKey={(v) => v.provider}
          rows={versions.data.data}
          columns={[
            { header: t.versions.platform, cell: (v) => v.provider },
            { header: t.versions.version, cell: (v) => v.version },
            {
              header: t.versions.state,
              cell: (v) => (
                <StatusBadge status={t.versions.states[v.state] ?? v.state} tone={TONE[v.state] ?? 'neutral'} />
              ),
            },
            {
              header: t.versions.sunset,
              cell: (v) => (v.sunset ? `${v.sunset}${v.sunset_tentative ? ` ${t.versions.tentative}` : ''}` : '—'),
            },
            {
              header: t.versions.daysLeft,
              numeric: true,
              cell: (v) => (v.days_to_sunset === null ? '—' : String(v.days_to_sunset)),
            },
            { header: t.versions.newest, cell: (v) => v.newest },
            { header: t.versions.action, cell: (v) => v.warning ?? '—' },
          ]}
        />
      )}
    </>
  );
}
