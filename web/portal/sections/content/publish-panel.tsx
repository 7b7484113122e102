import { useState } from 'preact/hooks';
import { unwrap, type Row } from '../../../shared/api.ts';
import { StatusBadge } from '../../../shared/badge.tsx';
import { ActionButton } from '../../../shared/form.tsx';
import { ErrorNotice } from '../../../shared/layout.tsx';
import { useToasts } from '../../../shared/toasts.tsx';
import type { PortalContext } from '../../context.ts';
import { isMoving, useBatch } from './batch-poll.ts';
import { planRows, PlanTable } from './plan-table.tsx';
import { siteName, type Site } from './sites.ts';
import { contentStrings as t } from './strings.ts';

type Item = Row<'/v1/content'>;

/**
 * Publishing in two steps: a dry run of the chosen items × sites shows what each would change,
 * field by field; only the confirmation publishes. The dry run is the same decision the real
 * publish makes, so the plan shown is the publish that follows (unless a site changes meanwhile).
 */
export function PublishPanel({
  ctx,
  items,
  sites,
  onCancel,
  onStarted,
}: {
  ctx: PortalContext;
  items: Item[];
  sites: Site[];
  onCancel: () => void;
  onStarted: (batchId: string) => void;
}) {
  const toasts = useToasts();
  // Only active connections take a publish; one active site is chosen from the start.
  const active = sites.filter((s) => s.status === 'active');
  const [chosen, setChosen] = useState<Set<string>>(new Set(active.length === 1 ? [active[0]!.id] : []));
  const [dryRunId, setDryRunId] = useState<string>();
  const [error, setError] = useState<Error>();
  const dry = useBatch(ctx.api, dryRunId, 700);
  const planned = dry.data && !isMoving(dry.data) ? dry.data : undefined;
  const body = () => ({ item_ids: items.map((i) => i.id), connection_ids: [...chosen] });

  const preview = async () => {
    setError(undefined);
    try {
      setDryRunId((await unwrap(ctx.api.POST('/v1/publish', { body: { ...body(), dry_run: true } }))).id);
    } catch (e) {
      setError(e as Error);
    }
  };
  const confirm = async () => {
    try {
      const b = await unwrap(ctx.api.POST('/v1/publish', { body: { ...body(), dry_run: false } }));
      toasts.ok(t.published);
      onStarted(b.id);
    } catch (e) {
      setError(e as Error);
    }
  };
  const toggle = (id: string, on: boolean) => {
    setDryRunId(undefined);
    setChosen((s) => (on ? new Set([...s, id]) : new Set([...s].filter((x) => x !== id))));
  };
  const rows = planned ? planRows(planned, new Map(items.map((i) => [i.id, i.title])), sites) : [];
  const counts = planned
    ? planned.items.reduce<Record<string, number>>(
        (acc, i) => ({ ...acc, [i.action ?? i.status]: (acc[i.action ?? i.status] ?? 0) + 1 }),
        {},
      )
    : {};

  return (
    <section class="panel" aria-labelledby="publish-title">
      <h2 id="publish-title">
        {t.publishTitle}: {t.selected(items.length)}
      </h2>
      {sites.length === 0 ? (
        <p>{t.noSites}</p>
      ) : (
        <fieldset>
          <legend>{t.sitesLegend}</legend>
          {sites.map((s) => (
            <label class="check" key={s.id}>
              <input
                type="checkbox"
                checked={chosen.has(s.id)}
                disabled={s.status !== 'active'}
                onChange={(e) => toggle(s.id, e.currentTarget.checked)}
              />
              {siteName(sites, s.id)}
              {s.status !== 'active' && <StatusBadge status={s.status} />}
            </label>
          ))}
        </fieldset>
      )}
      <div class="actions">
        <ActionButton onAction={preview} disabled={chosen.size === 0 || (!!dryRunId && !planned)}>
          {t.preview}
        </ActionButton>
        <button type="button" onClick={onCancel}>
          {t.cancel}
        </button>
      </div>
      {error && <ErrorNotice error={error} />}
      {dryRunId && !planned && <p role="status">{t.previewing}</p>}
      {planned && (
        <>
          <p role="status">{t.planSummary(counts)}</p>
          <PlanTable rows={rows} />
          <div class="actions">
            <ActionButton kind="primary" onAction={confirm}>
              {t.confirm}
            </ActionButton>
          </div>
        </>
      )}
    </section>
  );
}
