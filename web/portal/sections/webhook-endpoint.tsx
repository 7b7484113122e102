import { useState } from 'preact/hooks';
import { unwrap, type Row } from '../../shared/api.ts';
import { StatusBadge } from '../../shared/badge.tsx';
import { ActionButton } from '../../shared/form.tsx';
import { formatDuration, formatNumber, formatTime } from '../../shared/format.ts';
import { ErrorNotice, Facts, Link, Loading } from '../../shared/layout.tsx';
import { DataTable, Pagination, useCursorPages } from '../../shared/table.tsx';
import { useToasts } from '../../shared/toasts.tsx';
import { useInterval, useResource } from '../../shared/use-resource.ts';
import { sectionHref, type PortalContext, type SectionProps } from '../context.ts';
import { SecretPanel, takeSecret } from '../components/one-time-secret.tsx';

type Delivery = Row<'/v1/webhook-endpoints/{id}/deliveries'>;
const PENDING = new Set(['pending', 'retrying']);
const POLL_MS = 1000;

function BackLink({ ctx }: { ctx: PortalContext }) {
  return (
    <p>
      <Link href={sectionHref('webhooks')} onNavigate={ctx.navigate}>
        ← {ctx.strings.nav.webhooks}
      </Link>
    </p>
  );
}

/** One endpoint: its state, rotate secret, send a test, and its deliveries (refreshed while any is pending). */
export function EndpointDetail({ ctx, id }: SectionProps & { id: string }) {
  const t = ctx.strings.webhooks;
  const toasts = useToasts();
  const [secret, setSecret] = useState(() => takeSecret(id));
  const endpoint = useResource(
    () => unwrap(ctx.api.GET('/v1/webhook-endpoints/{id}', { params: { path: { id } } })),
    [id],
  );
  const pages = useCursorPages();
  const deliveries = useResource(
    () =>
      unwrap(
        ctx.api.GET('/v1/webhook-endpoints/{id}/deliveries', {
          params: { path: { id }, query: { limit: 25, ...(pages.cursor ? { cursor: pages.cursor } : {}) } },
        }),
      ),
    [id, pages.cursor],
  );
  useInterval(deliveries.reload, POLL_MS, deliveries.data?.data.some((d) => PENDING.has(d.status)) ?? false);
  if (endpoint.error)
    return (
      <>
        <BackLink ctx={ctx} />
        <ErrorNotice
          error={(endpoint.error as { status?: number }).status === 404 ? new Error(t.notFound) : endpoint.error}
        />
      </>
    );
  if (!endpoint.data) return <Loading />;
  const e = endpoint.data;
  const rotate = () =>
    toasts.run(async () => {
      setSecret(
        (await unwrap(ctx.api.POST('/v1/webhook-endpoints/{id}/rotate-secret', { params: { path: { id } } }))).secret,
      );
      endpoint.reload();
    }, t.rotated);
  const sendTest = () =>
    toasts.run(async () => {
      await unwrap(ctx.api.POST('/v1/webhook-endpoints/{id}/test', { params: { path: { id } } }));
      deliveries.reload();
    }, t.testSent);
  return (
    <>
      <BackLink ctx={ctx} />
      <h1>{t.endpointTitle(e.url)}</h1>
      {secret && <SecretPanel ctx={ctx} secret={secret} />}
      <Facts
        items={[
          [t.status, <StatusBadge status={e.status} />],
          [t.description, e.description ?? '—'],
          [t.events, e.event_types.length ? e.event_types.join(', ') : t.allEvents],
          [t.failures, formatNumber(e.consecutive_failures)],
          [t.lastSuccess, formatTime(e.last_success_at)],
        ]}
      />
      <div class="actions">
        <ActionButton kind="primary" hidden={ctx.session.readOnly} onAction={sendTest}>
          {t.sendTest}
        </ActionButton>
        <ActionButton hidden={ctx.session.readOnly} onAction={rotate}>
          {t.rotate}
        </ActionButton>
      </div>
      <h2>{t.deliveries}</h2>
      {deliveries.error && <ErrorNotice error={deliveries.error} onRetry={deliveries.reload} />}
      {deliveries.data && (
        <>
          <DataTable<Delivery>
            caption={t.deliveries}
            rows={deliveries.data.data}
            rowKey={(d) => d.id}
            columns={[
              {
                header: t.event,
                cell: (d) => (
                  <Link href={sectionHref('webhooks', 'deliveries', d.id)} onNavigate={ctx.navigate}>
                    {d.event_type}
                  </Link>
                ),
              },
              { header: t.status, cell: (d) => <StatusBadge status={d.status} /> },
              { header: t.attempts, cell: (d) => formatNumber(d.attempts), numeric: true },
              {
                header: t.response,
                cell: (d) => (d.last_status_code ? `HTTP ${d.last_status_code}` : (d.last_error ?? '—')),
              },
              { header: ctx.strings.failures.at, cell: (d) => formatTime(d.created_at) },
            ]}
          />
          <Pagination pages={pages} nextCursor={deliveries.data.next_cursor} />
        </>
      )}
    </>
  );
}

/** One delivery with every attempt and the answer each got; redeliver sends it again. */
export function DeliveryDetail({ ctx, id }: SectionProps & { id: string }) {
  const t = ctx.strings.webhooks;
  const toasts = useToasts();
  const delivery = useResource(
    () => unwrap(ctx.api.GET('/v1/webhook-deliveries/{id}', { params: { path: { id } } })),
    [id],
  );
  useInterval(delivery.reload, POLL_MS, delivery.data ? PENDING.has(delivery.data.status) : false);
  if (delivery.error)
    return (
      <>
        <BackLink ctx={ctx} />
        <ErrorNotice error={delivery.error} />
      </>
    );
  if (!delivery.data) return <Loading />;
  const d = delivery.data;
  const redeliver = () =>
    toasts.run(async () => {
      await unwrap(ctx.api.POST('/v1/webhook-deliveries/{id}/redeliver', { params: { path: { id } } }));
      delivery.reload();
    }, t.redelivered);
  return (
    <>
      <p>
        <Link href={sectionHref('webhooks', 'endpoints', d.endpoint_id)} onNavigate={ctx.navigate}>
          ← {t.endpoints}
        </Link>
      </p>
      <h1>{`${t.deliveryTitle}: ${d.event_type}`}</h1>
      <Facts
        items={[
          [t.status, <StatusBadge status={d.status} />],
          [t.attempts, formatNumber(d.attempts)],
          [t.event, d.event_id],
        ]}
      />
      <div class="actions">
        <ActionButton kind="primary" hidden={ctx.session.readOnly} onAction={redeliver}>
          {t.redeliver}
        </ActionButton>
      </div>
      <DataTable
        caption={t.attempts}
        rows={d.attempt_log}
        rowKey={(a) => String(a.attempt)}
        columns={[
          { header: t.attempt, cell: (a) => formatNumber(a.attempt), numeric: true },
          { header: ctx.strings.failures.at, cell: (a) => formatTime(a.at) },
          { header: t.response, cell: (a) => (a.status_code ? `HTTP ${a.status_code}` : '—') },
          { header: ctx.strings.failures.duration, cell: (a) => formatDuration(a.latency_ms), numeric: true },
          { header: t.responseBody, cell: (a) => <code>{a.response_excerpt ?? a.error ?? ''}</code> },
        ]}
      />
    </>
  );
}
