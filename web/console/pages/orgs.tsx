import { useState } from 'preact/hooks';
import { unwrap } from '../../shared/api.ts';
import { Form, TextField } from '../../shared/form.tsx';
import { formatNumber, formatTime } from '../../shared/format.ts';
import { Link } from '../../shared/layout.tsx';
import { PagedTable, useCursorPages } from '../../shared/table.tsx';
import { useResource } from '../../shared/use-resource.ts';
import type { ConsolePageProps } from '../context.ts';
import { consoleStrings as t } from '../strings.ts';

/** Every organisation with its counts; a name search narrows the list. */
export function OrgsPage({ api, navigate }: ConsolePageProps) {
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const pages = useCursorPages();
  const orgs = useResource(
    () =>
      unwrap(
        api.GET('/v1/admin/orgs', {
          params: { query: { limit: 50, ...(q ? { q } : {}), ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
        }),
      ),
    [q, pages.cursor],
  );
  return (
    <>
      <h1>{t.orgs.heading}</h1>
      <Form
        label={t.orgs.searchForm}
        onSubmit={async () => {
          setQ(typed.trim());
          pages.reset();
        }}
      >
        <TextField label={t.orgs.search} type="search" name="q" value={typed} onInput={setTyped} />
        <button type="submit">{t.orgs.apply}</button>
      </Form>
      <PagedTable
        list={orgs}
        pages={pages}
        caption={t.orgs.caption(q)}
        rowKey={(o) => o.id}
        columns={[
          { header: t.orgs.name, cell: (o) => o.name },
          { header: t.orgs.id, cell: (o) => <code>{o.id}</code> },
          { header: t.orgs.created, cell: (o) => formatTime(o.created_at) },
          { header: t.orgs.connections, numeric: true, cell: (o) => formatNumber(o.connections) },
          { header: t.orgs.apiKeys, numeric: true, cell: (o) => formatNumber(o.active_api_keys) },
          {
            header: t.orgs.deadLetters,
            numeric: true,
            cell: (o) =>
              o.dead_letters > 0 ? (
                <Link href={`/console/dead-letters?org=${o.id}`} onNavigate={navigate}>
                  {formatNumber(o.dead_letters)}
                  <span class="visually-hidden"> {t.orgs.showDeadLetters(o.name)}</span>
                </Link>
              ) : (
                formatNumber(0)
              ),
          },
        ]}
      />
    </>
  );
}
