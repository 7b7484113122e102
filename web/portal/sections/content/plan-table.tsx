import { DataTable } from '../../../shared/table.tsx';
import type { Batch } from './batch-poll.ts';
import { siteName, type Site } from './sites.ts';
import { contentStrings as t, fieldLabels } from './strings.ts';
import { FieldValue } from './values.tsx';

interface PlanRow {
  key: string;
  item: string;
  site: string;
  action: string;
  field: string;
  from: unknown;
  to: unknown;
}

type Change = { from: unknown; to: unknown };

/** A dry run's plan as rows: one per changed field of each item on each site, one for an item that changes nothing. */
export function planRows(batch: Batch, titles: Map<string, string>, sites: Site[]): PlanRow[] {
  return batch.items.flatMap((bi) => {
    const plan = (bi.plan ?? {}) as { changes?: Record<string, Change> };
    const base = {
      item: titles.get(bi.item_id) ?? bi.item_id,
      site: siteName(sites, bi.connection_id),
      action: bi.action ?? bi.status,
    };
    const changes = Object.entries(plan.changes ?? {});
    if (!changes.length || bi.action === 'refuse') {
      return [
        {
          ...base,
          key: `${bi.item_id}:${bi.connection_id}`,
          field: bi.error?.message ?? '',
          from: undefined,
          to: undefined,
        },
      ];
    }
    return changes.map(([field, c]) => ({
      ...base,
      key: `${bi.item_id}:${bi.connection_id}:${field}`,
      field: fieldLabels[field] ?? field,
      from: c.from,
      to: c.to,
    }));
  });
}

export function PlanTable({ rows }: { rows: PlanRow[] }) {
  return (
    <div class="scroll">
      <DataTable<PlanRow>
        caption={t.planCaption}
        rows={rows}
        rowKey={(r) => r.key}
        columns={[
          { header: t.planColumns.item, cell: (r) => r.item },
          { header: t.planColumns.site, cell: (r) => r.site },
          {
            header: t.planColumns.action,
            cell: (r) => <span class={`action ${r.action}`}>{t.actions[r.action] ?? r.action}</span>,
          },
          { header: t.planColumns.field, cell: (r) => r.field || t.nothing },
          { header: t.planColumns.from, cell: (r) => <FieldValue value={r.from} /> },
          { header: t.planColumns.to, cell: (r) => <FieldValue value={r.to} /> },
        ]}
      />
    </div>
  );
}
