import { useEffect, useState } from 'preact/hooks';
import { unwrap, type Row } from '../../shared/api.ts';
import { StatusBadge } from '../../shared/badge.tsx';
import { formatNumber } from '../../shared/format.ts';
import { Facts } from '../../shared/layout.tsx';
import { useInterval, useResource } from '../../shared/use-resource.ts';
import type { PortalContext } from '../context.ts';

type Run = Row<'/v1/connections/{id}/syncs'>;
type Message = { message: string; kind: string; http: { method: string; path: string; status: number | null } | null };

const POLL_MS = 1000;

/**
 * A sync as it runs: its counters (pages, records, rate-limit waits) polled from its run, and
 * the current step read live from its operation's event stream (the platform call or log line
 * it is on). Polling stops once the run has ended.
 */
export function SyncProgress({
  ctx,
  connectionId,
  jobId,
  onDone,
}: {
  ctx: PortalContext;
  connectionId: string;
  jobId: number;
  onDone?: () => void;
}) {
  const t = ctx.strings.syncs;
  const run = useResource(
    async () =>
      (
        await unwrap(
          ctx.api.GET('/v1/connections/{id}/syncs', {
            params: { path: { id: connectionId }, query: { job_id: jobId } },
          }),
        )
      ).data[0],
    [connectionId, jobId],
  );
  const running = !run.data || run.data.status === 'running';
  useInterval(run.reload, POLL_MS, running);
  // The page around it (last sync time, diagnostics, operations) is stale once the run ends.
  useEffect(() => {
    if (!running) onDone?.();
  }, [running]);
  const step = useCurrentStep(ctx, connectionId, jobId, running);
  const r = run.data;
  return (
    <section class="panel" aria-labelledby={`progress-${jobId}`}>
      <h2 id={`progress-${jobId}`}>{t.progress}</h2>
      {!r ? (
        <p role="status">{t.waitingToStart}</p>
      ) : (
        <>
          <div role="status" aria-live="polite">
            <StatusBadge status={r.status} />
          </div>
          {r.status === 'running' && <progress class="progress" aria-label={t.progress} />}
          <Facts
            items={[
              [t.pages, <span data-testid="sync-pages">{formatNumber(r.pages)}</span>],
              [t.records, <span data-testid="sync-records">{formatNumber(r.records)}</span>],
              [t.rateLimitWaits, formatNumber(r.rate_limit_waits)],
              [t.currentStep, step ?? '—'],
              ...(r.error ? [[t.error, r.error] as [string, string]] : []),
            ]}
          />
        </>
      )}
    </section>
  );
}

/** The last message of the sync's operation, from `GET /v1/operations/:id/stream` (Server-Sent Events). */
function useCurrentStep(ctx: PortalContext, connectionId: string, jobId: number, running: boolean): string | undefined {
  const [operationId, setOperationId] = useState<string>();
  const [step, setStep] = useState<string>();
  useInterval(
    () => {
      void unwrap(
        ctx.api.GET('/v1/operations', { params: { query: { connection_id: connectionId, limit: 10 } } }),
      ).then(
        (ops) => {
          const op = ops.data.find((o) => o.job_id === String(jobId) && o.parent_id === null);
          if (op) setOperationId(op.id);
        },
        () => undefined,
      );
    },
    POLL_MS,
    running && !operationId,
  );
  useEffect(() => {
    if (!operationId) return;
    const source = new EventSource(`/v1/operations/${operationId}/stream`);
    source.addEventListener('message', (e) => {
      const m = JSON.parse((e as MessageEvent<string>).data) as Message;
      setStep(m.http ? `${m.http.method} ${m.http.path}${m.http.status ? ` → ${m.http.status}` : ''}` : m.message);
    });
    source.addEventListener('end', () => source.close());
    source.addEventListener('error', () => source.close());
    return () => source.close();
  }, [operationId]);
  return step;
}

export type { Run };
