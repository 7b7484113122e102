import { recordEvent } from '../../connections/events.ts';
import type { RefreshDeps } from '../../connections/refresh.ts';
import { isPlexusError } from '../../core/errors.ts';
import { withOrgTx } from '../../db/tx.ts';
import type { PoolClient } from '../../db/pool.ts';
import type { ContentRun } from './context.ts';
import { diffFields, threeWayMerge, type FieldConflict } from './merge.ts';
import {
  contentHash,
  fieldsOf,
  getItem,
  getTarget,
  markSynced,
  markTargetState,
  updateItemFields,
  type ConflictPolicy,
  type ItemRow,
  type TargetRow,
} from './store.ts';
import { withReconcileLease } from './reconcile-lease.ts';
import { syncedFields, type ContentFields, type RemoteContent } from '../../providers/contracts/content.ts';

export type ReconcileOutcome = 'synced' | 'unchanged' | 'conflict' | 'remote_deleted' | 'skipped';

/** Writes racing an editor are retried this many times before the job gives the item back to the queue. */
const MAX_ROUNDS = 4;

const locOf = (t: TargetRow) => ({ kind: t.kind, collection: t.collection });

/** The value a policy picks for one conflicting field; null for `manual`. */
function pick(policy: ConflictPolicy, c: FieldConflict, hubAt: Date, remoteAt: string): unknown {
  if (policy === 'hub_wins') return c.hub;
  if (policy === 'remote_wins') return c.remote;
  if (policy === 'latest_wins') return hubAt.getTime() >= Date.parse(remoteAt) ? c.hub : c.remote;
  return undefined;
}

async function recordConflict(
  c: PoolClient,
  orgId: string,
  item: ItemRow,
  target: TargetRow,
  remote: RemoteContent,
  conflicts: FieldConflict[],
  merged: ContentFields,
  resolution: { policy: ConflictPolicy; values: Record<string, unknown> } | null,
): Promise<string> {
  const payload = [
    orgId,
    item.id,
    target.id,
    JSON.stringify(conflicts),
    JSON.stringify(merged),
    item.version,
    remote.version,
    remote.modifiedAt,
  ];
  let id: string;
  if (resolution) {
    // Resolved at once by policy: kept as history.
    const { rows } = await c.query<{ id: string }>(
      `insert into content_conflicts (org_id, item_id, target_id, fields, merged, hub_version, remote_version, remote_modified_at, status, resolution, resolved_by, resolved_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, 'resolved', $9, $10, now()) returning id`,
      [...payload, JSON.stringify(resolution.values), `policy:${resolution.policy}`],
    );
    id = rows[0]!.id;
  } else {
    // One open conflict per target: a newer remote or hub version refreshes it.
    const { rows } = await c.query<{ id: string }>(
      `insert into content_conflicts (org_id, item_id, target_id, fields, merged, hub_version, remote_version, remote_modified_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (org_id, target_id) where status = 'open' do update set fields = excluded.fields, merged = excluded.merged,
         hub_version = excluded.hub_version, remote_version = excluded.remote_version, remote_modified_at = excluded.remote_modified_at
       returning id`,
      payload,
    );
    id = rows[0]!.id;
  }
  await recordEvent(c, orgId, 'content.conflict', {
    conflict_id: id,
    item_id: item.id,
    connection_id: target.connection_id,
    remote_id: target.remote_id,
    fields: conflicts.map((x) => x.field),
    status: resolution ? 'resolved' : 'open',
    ...(resolution ? { resolved_by: `policy:${resolution.policy}` } : {}),
  });
  return id;
}

/**
 * Brings one item and its copy on one site into step: compares hub, site and the base snapshot;
 * a side that alone changed is applied to the other; both changed → field merge and block
 * merge of the body; what still overlaps becomes a conflict, settled by the item's or the
 * connection's policy or left open for a person. The site write carries the version just read,
 * so an editor's change made in between sends the item round the merge again.
 */
export async function reconcileTarget(
  deps: RefreshDeps,
  orgId: string,
  run: ContentRun,
  targetId: string,
  known?: RemoteContent | null,
): Promise<ReconcileOutcome> {
  // One job at a time per item and site: another job's merge lands whole before this one reads.
  const outcome = await withReconcileLease(deps, orgId, targetId, async (): Promise<ReconcileOutcome> => {
    let remote = known;
    // A copy handed in by a poll may be older than a merge another job wrote since: it is
    // checked against the site before anything from it is written to the hub.
    let snapshot = known !== undefined;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const target = await withOrgTx(deps.db.app, orgId, (c) => getTarget(c, orgId, targetId));
      if (!target || !target.remote_id || target.state === 'rolled_back') return 'skipped';
      const item = await withOrgTx(deps.db.app, orgId, (c) => getItem(c, orgId, target.item_id));
      if (!item) return 'skipped';
      if (remote === undefined) {
        remote = await run.adapter.read(run.s, locOf(target), target.remote_id);
        snapshot = false;
      }
      if (!remote || remote.trashed) {
        if (target.state !== 'remote_deleted') {
          await withOrgTx(deps.db.app, orgId, async (c) => {
            await markTargetState(c, orgId, target.id, 'remote_deleted');
            await recordEvent(c, orgId, 'content.remote_deleted', {
              item_id: item.id,
              connection_id: target.connection_id,
              remote_id: target.remote_id,
            });
          });
        }
        return 'remote_deleted';
      }
      const hub = fieldsOf(item);
      const base = target.base ?? remote.fields;
      const fields = syncedFields(run.adapter, target.kind);
      // Judged by content, not the site's version marker: several sites mark versions by the
      // second, and an edit in the same second as Plexus's own write must still count.
      const unchangedRemote = contentHash(remote.fields, fields) === contentHash(base, fields);
      // Nothing new on either side: a synced item stays so, an open conflict stays open (no new event).
      if (unchangedRemote && target.hub_version === item.version && target.state === 'synced') return 'unchanged';
      if (
        target.remote_version === remote.version &&
        target.hub_version === item.version &&
        target.state === 'conflict'
      )
        return 'conflict';

      const out = threeWayMerge(base, hub, remote.fields, fields);
      let merged = out.merged;
      let resolution: { policy: ConflictPolicy; values: Record<string, unknown> } | null = null;
      const policy: ConflictPolicy = item.conflict_policy ?? run.policy;
      if (out.conflicts.length && policy !== 'manual') {
        const values: Record<string, unknown> = {};
        for (const c of out.conflicts) values[c.field] = pick(policy, c, item.updated_at, remote.modifiedAt);
        merged = { ...merged, ...values };
        resolution = { policy, values };
      }
      const open = out.conflicts.length > 0 && !resolution;
      const skip = open ? out.conflicts : [];
      const toRemote = diffFields(remote.fields, merged, skip, fields);
      const toHub = diffFields(hub, merged, skip, fields);

      if (snapshot) {
        // Compare-and-set for the hub: what goes into it must come from the site as it is now.
        const now = await run.adapter.read(run.s, locOf(target), target.remote_id);
        snapshot = false;
        if (
          !now ||
          now.version !== remote.version ||
          contentHash(now.fields, fields) !== contentHash(remote.fields, fields)
        ) {
          remote = now;
          continue;
        }
      }

      let written = remote;
      if (Object.keys(toRemote).length) {
        try {
          written = await run.adapter.update(run.s, locOf(target), target.remote_id, toRemote, remote.version);
        } catch (err) {
          if (isPlexusError(err) && err.code === 'content.remote_changed') {
            remote = undefined; // an editor got there first: merge again with what they wrote
            snapshot = false;
            continue;
          }
          throw err;
        }
      }
      const again = await withOrgTx(deps.db.app, orgId, async (c) => {
        // Compare-and-set on the target too: a merge recorded since this round read it wins.
        const current = await getTarget(c, orgId, target.id, true);
        if (!current || current.updated_at.getTime() !== target.updated_at.getTime()) return true;
        let hubVersion = item.version;
        if (Object.keys(toHub).length) {
          const v = await updateItemFields(c, orgId, item.id, toHub, item.version);
          if (v === null) return true; // the hub changed meanwhile
          hubVersion = v;
        }
        // For an open conflict the base keeps the conflicting fields' old values, so they still
        // read as changed on both sides until someone resolves them.
        await markSynced(c, orgId, target.id, merged, written, hubVersion, open ? 'conflict' : 'synced');
        if (out.conflicts.length)
          await recordConflict(c, orgId, item, target, remote!, out.conflicts, merged, resolution);
        return false;
      });
      if (again) {
        remote = undefined;
        snapshot = false;
        continue;
      }
      if (open) return 'conflict';
      return Object.keys(toRemote).length || Object.keys(toHub).length ? 'synced' : 'unchanged';
    }
    // Still racing after several rounds: leave it pending for the next sync.
    await withOrgTx(deps.db.app, orgId, (c) =>
      markTargetState(c, orgId, targetId, 'pending', {
        code: 'content.remote_changed',
        message: 'The item kept changing while it was merged.',
      }),
    );
    return 'skipped';
  });
  return outcome ?? 'skipped';
}
