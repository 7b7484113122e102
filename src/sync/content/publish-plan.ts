import type { RefreshDeps } from '../../connections/refresh.ts';
import { withOrgTx } from '../../db/tx.ts';
import type { ContentRun } from './context.ts';
import { diffFields, threeWayMerge } from './merge.ts';
import { fieldsOf, type ItemRow, type TargetRow } from './store.ts';
import {
  syncedFields,
  type ContentFields,
  type ContentKind,
  type RemoteContent,
  type TargetLocation,
} from '../../providers/contracts/content.ts';

/**
 * What publishing one item to one site does. A dry run records it; a real publish carries it
 * out. Both come from `decidePublish`, so the plan a dry run shows is the publish that follows.
 * - `create`: nothing of it on the site yet;
 * - `adopt`: not linked yet, but the site has an item with its slug that no other item owns:
 *   it becomes this item's copy and takes the hub's fields (rollback restores it);
 * - `update` / `noop`: linked, and the three-way merge changes something / nothing on the site;
 * - `refuse`: it cannot be published there (the slug belongs to another item, the site does not
 *   take its kind).
 */
export type PublishDecision =
  | { action: 'create'; plan: unknown }
  | { action: 'adopt'; remote: RemoteContent; plan: unknown }
  | { action: 'update' | 'noop'; remote: RemoteContent; plan: unknown }
  | { action: 'refuse'; error: { code: string; message: string }; plan: unknown };

export function changesOf(
  from: ContentFields,
  to: ContentFields,
  run: ContentRun,
  kind: ContentKind,
): Record<string, { from: unknown; to: unknown }> {
  const d = diffFields(from, to, [], syncedFields(run.adapter, kind)) as Record<string, unknown>;
  return Object.fromEntries(Object.keys(d).map((k) => [k, { from: from[k as keyof ContentFields], to: d[k] }]));
}

const isEmpty = (v: unknown) => v == null || v === '' || (Array.isArray(v) && v.length === 0);

/** A create as per-field changes from nothing, so every action's plan reads the same way (fields without a value are left out). */
function createdFields(
  hub: ContentFields,
  run: ContentRun,
  kind: ContentKind,
): Record<string, { from: null; to: unknown }> {
  const set = syncedFields(run.adapter, kind).filter((k) => !isEmpty(hub[k]));
  return Object.fromEntries(set.map((k) => [k, { from: null, to: hub[k] }]));
}

/** Fields the hub left empty and the site filled in on create: the hub takes them too. */
export function siteDefaults(
  hub: ContentFields,
  site: ContentFields,
  fields: readonly (keyof ContentFields)[],
): Partial<ContentFields> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (isEmpty(hub[f]) && !isEmpty(site[f])) out[f] = site[f];
  return out;
}

/** Decides, reading the site but writing nothing. `target` is the item's target on this site, if it has one. */
export async function decidePublish(
  deps: RefreshDeps,
  orgId: string,
  run: ContentRun,
  item: ItemRow,
  target: TargetRow | null,
  loc: TargetLocation,
): Promise<PublishDecision> {
  const hub = fieldsOf(item);
  const linked = target?.remote_id && target.state !== 'remote_deleted' ? target.remote_id : null;
  const remote = linked ? await run.adapter.read(run.s, loc, linked) : null;
  if (!remote || remote.trashed) {
    const existing = await run.adapter.findBySlug(run.s, loc, item.slug);
    if (!existing || existing.trashed)
      return { action: 'create', plan: { fields: hub, changes: createdFields(hub, run, loc.kind) } };
    const owner = await withOrgTx(
      deps.db.app,
      orgId,
      async (c) =>
        (
          await c.query<{ item_id: string }>(
            `select item_id from content_targets where org_id = $1 and connection_id = $2 and remote_id = $3 and item_id <> $4 and state <> 'remote_deleted' limit 1`,
            [orgId, run.connectionId, existing.remoteId, item.id],
          )
        ).rows[0],
    );
    if (owner) {
      const error = {
        code: 'conflict',
        message: `The site's item with slug "${item.slug}" (${existing.remoteId}) belongs to another item (${owner.item_id}).`,
      };
      return { action: 'refuse', error, plan: { remote_id: existing.remoteId, owned_by_item_id: owner.item_id } };
    }
    return {
      action: 'adopt',
      remote: existing,
      plan: { remote_id: existing.remoteId, changes: changesOf(existing.fields, hub, run, loc.kind) },
    };
  }
  const fields = syncedFields(run.adapter, loc.kind);
  const out = threeWayMerge(target?.base ?? remote.fields, hub, remote.fields, fields);
  const changes = diffFields(remote.fields, out.merged, out.conflicts, fields);
  return {
    action: Object.keys(changes).length ? 'update' : 'noop',
    remote,
    plan: {
      remote_id: remote.remoteId,
      changes: changesOf(remote.fields, { ...remote.fields, ...changes }, run, loc.kind),
      conflicts: out.conflicts.map((c) => c.field),
    },
  };
}
