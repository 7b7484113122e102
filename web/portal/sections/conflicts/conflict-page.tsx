import { useState } from 'preact/hooks';
import { unwrap } from '../../../shared/api.ts';
import type { paths } from '../../../../packages/sdk/src/generated/schema.ts';
import { StatusBadge } from '../../../shared/badge.tsx';
import { ActionButton } from '../../../shared/form.tsx';
import { formatTime } from '../../../shared/format.ts';
import { Facts } from '../../../shared/layout.tsx';
import { useToasts } from '../../../shared/toasts.tsx';
import { useResource } from '../../../shared/use-resource.ts';
import { sectionHref, type PortalContext } from '../../context.ts';
import { DetailFrame } from '../content/detail-frame.tsx';
import { loadSites, siteName } from '../content/sites.ts';
import { fieldLabels } from '../content/strings.ts';
import { FieldValue } from '../content/values.tsx';
import { BlockDiff } from './block-diff.tsx';
import { FieldChoice, fromText, type ConflictField, type Decision } from './field-choice.tsx';
import { conflictStrings as t } from './strings.ts';

type ResolveBody = NonNullable<
  paths['/v1/conflicts/{id}/resolve']['post']['requestBody']
>['content']['application/json'];
type FieldName = keyof NonNullable<ResolveBody['choices']>;

/** The resolve request for the decisions made: a side per field, or the value written. */
function resolution(decisions: Record<string, Decision | undefined>): ResolveBody {
  const choices: NonNullable<ResolveBody['choices']> = {};
  const values: NonNullable<ResolveBody['values']> = {};
  for (const [field, d] of Object.entries(decisions)) {
    if (!d) continue;
    if ('side' in d) choices[field as FieldName] = d.side;
    else values[field as FieldName] = fromText(field, d.text);
  }
  return { choices, values };
}

/** One conflict: the three-way view per field, the body's block diff, and its resolution. */
export function ConflictPage({ ctx, id }: { ctx: PortalContext; id: string }) {
  const toasts = useToasts();
  const conflict = useResource(() => unwrap(ctx.api.GET('/v1/conflicts/{id}', { params: { path: { id } } })), [id]);
  const blocks = useResource(
    () => unwrap(ctx.api.GET('/v1/conflicts/{id}/body-blocks', { params: { path: { id } } })),
    [id],
  );
  const sites = useResource(() => loadSites(ctx.api), []);
  const [decisions, setDecisions] = useState<Record<string, Decision | undefined>>({});
  const c = conflict.data;
  const fields = (c?.fields ?? []) as ConflictField[];
  const open = c?.status === 'open';
  const readOnly = ctx.session.readOnly || !open;
  const complete = fields.length > 0 && fields.every((f) => decisions[f.field]);

  const resolve = () =>
    toasts.run(async () => {
      await unwrap(
        ctx.api.POST('/v1/conflicts/{id}/resolve', { params: { path: { id } }, body: resolution(decisions) }),
      );
      conflict.reload();
    }, t.resolved);

  return (
    <DetailFrame
      ctx={ctx}
      back={{ href: sectionHref('conflicts'), label: t.back }}
      title={t.detailTitle}
      resource={conflict}
    >
      {(c) => (
        <>
          <Facts
            items={[
              [t.columns.status, <StatusBadge status={c.status} tone={open ? 'warn' : 'ok'} />],
              [t.columns.site, siteName(sites.data, c.connection_id)],
              [t.columns.raised, formatTime(c.created_at)],
              ...(c.resolved_at ? ([[t.columns.resolved, formatTime(c.resolved_at)]] as Array<[string, string]>) : []),
            ]}
          />
          {open && <p>{t.explain}</p>}
          {fields.map((f) => (
            <FieldChoice
              key={f.field}
              f={f}
              readOnly={readOnly}
              decision={decisions[f.field]}
              onChange={(d) => setDecisions((s) => ({ ...s, [f.field]: d }))}
            />
          ))}
          {blocks.data?.base && (
            <section class="panel" aria-labelledby="body-diff-title">
              <h2 id="body-diff-title">{t.bodyDiff}</h2>
              <div class="diffs">
                {blocks.data.hub && (
                  <BlockDiff base={blocks.data.base} side={blocks.data.hub} sideLabel={t.sides['hub']!} />
                )}
                {blocks.data.remote && (
                  <BlockDiff base={blocks.data.base} side={blocks.data.remote} sideLabel={t.sides['remote']!} />
                )}
              </div>
            </section>
          )}
          {open && (
            <div class="actions">
              <ActionButton kind="primary" hidden={ctx.session.readOnly} disabled={!complete} onAction={resolve}>
                {t.resolve}
              </ActionButton>
            </div>
          )}
          {c.resolution && (
            <section aria-labelledby="resolution-title">
              <h2 id="resolution-title">{t.resolution}</h2>
              <Facts
                items={Object.entries(c.resolution).map(([k, v]) => [fieldLabels[k] ?? k, <FieldValue value={v} />])}
              />
            </section>
          )}
        </>
      )}
    </DetailFrame>
  );
}
