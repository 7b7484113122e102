import { ApiError, unwrap } from '../../shared/api.ts';
import { StatusBadge } from '../../shared/badge.tsx';
import { ActionButton, SelectField } from '../../shared/form.tsx';
import { formatTime } from '../../shared/format.ts';
import { Link } from '../../shared/layout.tsx';
import { PagedTable, useCursorPages } from '../../shared/table.tsx';
import { useToasts } from '../../shared/toasts.tsx';
import { useResource } from '../../shared/use-resource.ts';
import type { ConsolePageProps } from '../context.ts';
import { consoleStrings as t } from '../strings.ts';

/** Dead letters of every org (or one, `?org=`), open ones first shown, each replayable. */
export function DeadLettersPage({ api, navigate, query }: ConsolePageProps) {
  const org = query.get('org') ?? undefined;
  const replayed = query.get('replayed') ?? 'false';
  const pages = useCursorPages();
  const toasts = useToasts();
  const list = useResource(
    () =>
      unwrap(
        api.GET('/v1/admin/dead-letters', {
          params: {
            query: {
              limit: 50,
              ...(org ? { org_id: org } : {}),
              ...(replayed ? { replayed: replayed as 'true' | 'false' } : {}),
              ...(pages.cursor ? { cursor: pages.cursor } : {}),
            },
          },
        }),
      ),
    [org, replayed, pages.cursor],
  );
  const go = (next: { org?: string | undefined; replayed?: string }) => {
    const p = new URLSearchParams();
    const o = 'org' in next ? next.org : org;
    if (o) p.set('org', o);
    p.set('replayed', next.replayed ?? replayed);
    pages.reset();
    navigate(`/console/dead-letters?${p}`);
  };
  const orgName = list.data?.data.find((d) => d.org_id === org)?.org_name ?? org;
  return (
    <>
      <h1>{t.deadLetters.heading}</h1>
      <div class="toolbar">
        <SelectField
          label={t.deadLetters.show}
          value={replayed}
          options={t.deadLetters.filters}
          onChange={(v) => go({ replayed: v })}
        />
        {org && (
          <p>
            {t.deadLetters.ofOrg(orgName ?? '')}{' '}
            <Link href="/console/dead-letters" onNavigate={() => go({ org: undefined })}>
              {t.deadLetters.allOrgs}
            </Link>
          </p>
        )}
      </div>
      <PagedTable
        list={list}
        pages={pages}
        caption={t.deadLetters.caption}
        rowKey={(d) => d.id}
        columns={[
          { header: t.deadLetters.failedAt, cell: (d) => formatTime(d.failed_at) },
          { header: t.deadLetters.org, cell: (d) => d.org_name ?? t.deadLetters.system },
          { header: t.deadLetters.task, cell: (d) => <code>{d.task}</code> },
          {
            header: t.deadLetters.error,
            cell: (d) => (
              <>
                <code>{d.error_code}</code> {d.error_message}
              </>
            ),
          },
          { header: t.deadLetters.attempts, numeric: true, cell: (d) => String(d.attempts) },
          {
            header: t.deadLetters.status,
            cell: (d) =>
              d.replayed_at ? t.deadLetters.replayedAt(formatTime(d.replayed_at)) : <StatusBadge status="failed" />,
          },
          {
            header: t.deadLetters.replay,
            cell: (d) => (
              <ActionButton
                hidden={!!d.replayed_at}
                onAction={async () => {
                  try {
                    await unwrap(api.POST('/v1/admin/dead-letters/{id}/replay', { params: { path: { id: d.id } } }));
                    toasts.ok(t.deadLetters.replayed(d.task));
                  } catch (err) {
                    toasts.error(err instanceof ApiError ? err.message : String(err));
                  }
                  list.reload();
                }}
              >
                {t.deadLetters.replay}
                <span class="visually-hidden">
                  {' '}
                  {t.deadLetters.replayLabel(d.task, d.org_name ?? t.deadLetters.system)}
                </span>
              </ActionButton>
            ),
          },
        ]}
      />
    </>
  );
}
