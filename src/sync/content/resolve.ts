import { recordEvent } from '../../connections/events.ts';
import { plexusError } from '../../core/errors.ts';
import type { PoolClient } from '../../db/pool.ts';
import { enqueue } from '../../db/queue.ts';
import type { FieldConflict } from './merge.ts';
import { getItem, getTarget, updateItemFields } from './store.ts';
import type { ContentField, ContentFields } from '../../providers/contracts/content.ts';

export type FieldChoice = 'hub' | 'remote' | 'base';

export interface Resolution {
  /** One strategy for every conflicting field. */
  strategy?: 'hub_wins' | 'remote_wins' | undefined;
  /** A side per field. */
  choices?: Partial<Record<ContentField, FieldChoice>> | undefined;
  /** Merged values written by a person, per field. */
  values?: Partial<ContentFields> | undefined;
}

/**
 * Settles an open conflict: the chosen values become the hub's, and the target's base takes
 * the site's values from when the conflict was raised — so the chosen values are pushed to the
 * site, and an editor who changed the field again since then raises a new conflict rather than
 * being overwritten. The conflict stays as history.
 */
export async function resolveConflict(
  c: PoolClient,
  orgId: string,
  conflictId: string,
  r: Resolution,
): Promise<{ targetId: string; connectionId: string; values: Record<string, unknown> }> {
  const { rows } = await c.query<{
    id: string;
    item_id: string;
    target_id: string;
    fields: FieldConflict[];
    status: string;
  }>('select id, item_id, target_id, fields, status from content_conflicts where org_id = $1 and id = $2 for update', [
    orgId,
    conflictId,
  ]);
  const conflict = rows[0];
  if (!conflict) throw plexusError('not_found', { message: 'No such conflict.' });
  if (conflict.status !== 'open') throw plexusError('conflict', { message: 'This conflict is already resolved.' });
  const values: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const f of conflict.fields) {
    const v = r.values?.[f.field];
    const choice =
      r.choices?.[f.field] ?? (r.strategy === 'hub_wins' ? 'hub' : r.strategy === 'remote_wins' ? 'remote' : undefined);
    if (v !== undefined) values[f.field] = v;
    else if (choice) values[f.field] = f[choice];
    else missing.push(f.field);
  }
  if (missing.length) {
    throw plexusError('validation_failed', {
      message: `No value chosen for ${missing.join(', ')}.`,
      details: missing.map((m) => ({ path: m, message: 'choose hub, remote or base, or give a value' })),
    });
  }
  const extra = Object.keys({ ...r.values, ...r.choices }).filter((k) => !conflict.fields.some((f) => f.field === k));
  if (extra.length)
    throw plexusError('validation_failed', {
      message: `Not in conflict: ${extra.join(', ')}.`,
      details: extra.map((m) => ({ path: m, message: 'not a conflicting field' })),
    });

  const item = await getItem(c, orgId, conflict.item_id, true);
  const target = await getTarget(c, orgId, conflict.target_id, true);
  if (!item || !target) throw plexusError('not_found', { message: 'The item or its target no longer exists.' });
  await updateItemFields(c, orgId, item.id, values, null);
  const base = { ...(target.base ?? {}) } as Record<string, unknown>;
  for (const f of conflict.fields) base[f.field] = f.remote;
  await c.query(
    "update content_targets set base = $3, state = 'pending', updated_at = now() where org_id = $1 and id = $2",
    [orgId, target.id, JSON.stringify(base)],
  );
  await c.query(
    "update content_conflicts set status = 'resolved', resolution = $3, resolved_by = 'api', resolved_at = now() where org_id = $1 and id = $2",
    [orgId, conflict.id, JSON.stringify(values)],
  );
  await recordEvent(c, orgId, 'content.conflict_resolved', {
    conflict_id: conflict.id,
    item_id: item.id,
    connection_id: target.connection_id,
    fields: Object.keys(values),
  });
  await enqueue(c, 'sync_content', { org_id: orgId, connection_id: target.connection_id, target_ids: [target.id] });
  return { targetId: target.id, connectionId: target.connection_id, values };
}
