import { useState } from 'preact/hooks';
import { unwrap, type Row } from '../../shared/api.ts';
import { StatusBadge } from '../../shared/badge.tsx';
import { Form, SelectField, TextField } from '../../shared/form.tsx';
import { formatNumber, formatTime } from '../../shared/format.ts';
import { Link } from '../../shared/layout.tsx';
import { strings } from '../../shared/strings.ts';
import { PagedTable, useCursorPages } from '../../shared/table.tsx';
import { useToasts } from '../../shared/toasts.tsx';
import { useResource } from '../../shared/use-resource.ts';
import { sectionHref, type Section, type SectionProps } from '../context.ts';
import { useQueryState } from '../components/use-query-state.ts';
import { rememberSecret } from '../components/one-time-secret.tsx';
import { DeliveryDetail, EndpointDetail } from './webhook-endpoint.tsx';

type Endpoint = Row<'/v1/webhook-endpoints'>;
type Inbound = Row<'/v1/webhooks/inbound'>;
const INBOUND_STATUSES = ['received', 'processed', 'failed'] as const;

/** Webhooks: outbound endpoints (and, under them, deliveries) and platform events received. */
function WebhooksPage(props: SectionProps) {
  const [kind, id] = props.path;
  if (kind === 'endpoints' && id) return <EndpointDetail {...props} id={id} />;
  if (kind === 'deliveries' && id) return <DeliveryDetail {...props} id={id} />;
  return (
    <>
      <h1>{props.ctx.strings.nav.webhooks}</h1>
      <Endpoints {...props} />
      <InboundEvents {...props} />
    </>
  );
}

function Endpoints({ ctx }: SectionProps) {
  const t = ctx.strings.webhooks;
  const toasts = useToasts();
  const pages = useCursorPages();
  const list = useResource(
    () =>
      unwrap(
        ctx.api.GET('/v1/webhook-endpoints', {
          params: { query: { limit: 25, ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
        }),
      ),
    [pages.cursor],
  );
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const create = () =>
    toasts.run(async () => {
      const e = await unwrap(
        ctx.api.POST('/v1/webhook-endpoints', { body: { url, ...(description ? { description } : {}) } }),
      );
      rememberSecret(e.id, e.secret);
      ctx.navigate(sectionHref('webhooks', 'endpoints', e.id));
    }, t.created);
  return (
    <>
      <h2>{t.endpoints}</h2>
      {!ctx.session.readOnly && (
        <Form label={t.create} onSubmit={create}>
          <TextField label={t.url} type="url" value={url} onInput={setUrl} required />
          <TextField label={t.description} value={description} onInput={setDescription} />
          <button type="submit" class="primary">
            {t.create}
          </button>
        </Form>
      )}
      <PagedTable<Endpoint>
        list={list}
        pages={pages}
        caption={t.endpoints}
        rowKey={(e) => e.id}
        columns={[
          {
            header: t.url,
            cell: (e) => (
              <Link href={sectionHref('webhooks', 'endpoints', e.id)} onNavigate={ctx.navigate}>
                {e.url}
              </Link>
            ),
          },
          { header: t.description, cell: (e) => e.description ?? '' },
          { header: t.status, cell: (e) => <StatusBadge status={e.status} /> },
          { header: t.events, cell: (e) => (e.event_types.length ? e.event_types.join(', ') : t.allEvents) },
          { header: t.failures, cell: (e) => formatNumber(e.consecutive_failures), numeric: true },
          { header: t.lastSuccess, cell: (e) => formatTime(e.last_success_at) },
        ]}
      />
    </>
  );
}

function InboundEvents({ ctx, query }: SectionProps) {
  const t = ctx.strings.webhooks;
  const pages = useCursorPages();
  const [filters, setFilter] = useQueryState(query, ['inbound_status'] as const, pages);
  const list = useResource(
    () =>
      unwrap(
        ctx.api.GET('/v1/webhooks/inbound', {
          params: {
            query: {
              limit: 25,
              ...(pages.cursor ? { cursor: pages.cursor } : {}),
              ...(filters.inbound_status
                ? { status: filters.inbound_status as (typeof INBOUND_STATUSES)[number] }
                : {}),
            },
          },
        }),
      ),
    [pages.cursor, filters.inbound_status],
  );
  return (
    <>
      <h2>{t.inbound}</h2>
      <div class="toolbar">
        <SelectField
          label={t.processing}
          value={filters.inbound_status}
          allLabel={ctx.strings.form.all}
          options={INBOUND_STATUSES.map((s) => ({ value: s, label: ctx.strings.status[s] ?? s }))}
          onChange={(v) => setFilter('inbound_status', v)}
        />
      </div>
      <PagedTable<Inbound>
        list={list}
        pages={pages}
        caption={t.inbound}
        rowKey={(e) => e.id}
        columns={[
          { header: t.received, cell: (e) => formatTime(e.received_at) },
          { header: ctx.strings.connections.provider, cell: (e) => e.provider },
          { header: t.event, cell: (e) => e.topic ?? '—' },
          { header: t.processing, cell: (e) => <StatusBadge status={e.status} /> },
          { header: t.attempts, cell: (e) => formatNumber(e.attempts), numeric: true },
          { header: ctx.strings.failures.error, cell: (e) => e.last_error ?? '' },
        ]}
      />
    </>
  );
}

export const webhooksSection: Section = { id: 'webhooks', title: strings.nav.webhooks, Page: WebhooksPage };
