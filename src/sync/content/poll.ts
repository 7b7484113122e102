import type { RefreshDeps } from '../../connections/refresh.ts';
import { withOrgTx } from '../../db/tx.ts';
import { withContentRun, type ContentRun } from './context.ts';
import { reconcileTarget, type ReconcileOutcome } from './reconcile.ts';
import type { ContentProgress } from '../runs.ts';
import type { TargetRow } from './store.ts';

/** Targets re-read per sync to notice hard deletions on sites that keep no tombstones. */
const VERIFY_PER_SYNC = 50;

export interface ContentSyncResult {
  polled: number;
  /** Items re-read for the hub's edits and the deletion check. */
  verified: number;
  outcomes: Partial<Record<ReconcileOutcome, number>>;
}

/** A sync's counts as its run shows them. */
export function progressOf(r: ContentSyncResult): ContentProgress {
  const o = r.outcomes;
  return {
    items_read: r.polled + r.verified,
    items_merged: (o.synced ?? 0) + (o.conflict ?? 0),
    conflicts: o.conflict ?? 0,
    items_written: o.synced ?? 0,
  };
}

/** Told of progress after each page polled and every few items re-read. */
export type OnProgress = (r: ContentSyncResult) => Promise<void>;
const PROGRESS_EVERY = 25;

/**
 * A connection's content sync: items edited on the site since the last watermark (polling by
 * modified time, or woken by a webhook), items edited in the hub since they were last synced,
 * and a rolling re-read of the oldest-checked items so hard deletions are noticed.
 */
export async function syncContent(
  deps: RefreshDeps,
  orgId: string,
  connectionId: string,
  onlyTargets?: readonly string[],
  onProgress: OnProgress = () => Promise.resolve(),
): Promise<ContentSyncResult> {
  return withContentRun(deps, orgId, connectionId, async (run) => {
    const result: ContentSyncResult = { polled: 0, verified: 0, outcomes: {} };
    const count = (o: ReconcileOutcome) => (result.outcomes[o] = (result.outcomes[o] ?? 0) + 1);
    if (onlyTargets) {
      for (const id of onlyTargets) count(await reconcileTarget(deps, orgId, run, id));
      return result;
    }
    const done = new Set<string>();
    await pollRemote(deps, orgId, run, result, done, count, onProgress);
    // Hub edits not yet on the site, and the rolling deletion check.
    const { rows } = await withOrgTx(deps.db.app, orgId, (c) =>
      c.query<{ id: string }>(
        `(select t.id from content_targets t join content_items i on i.id = t.item_id
          where t.org_id = $1 and t.connection_id = $2 and t.remote_id is not null and t.state in ('synced', 'pending', 'conflict')
            and i.version is distinct from t.hub_version)
         union
         (select t.id from content_targets t where t.org_id = $1 and t.connection_id = $2 and t.remote_id is not null and t.state in ('synced', 'conflict')
          order by t.last_synced_at nulls first limit $3)`,
        [orgId, connectionId, VERIFY_PER_SYNC],
      ),
    );
    for (const r of rows) {
      if (done.has(r.id)) continue;
      count(await reconcileTarget(deps, orgId, run, r.id));
      await withOrgTx(deps.db.app, orgId, (c) =>
        c.query('update content_targets set last_synced_at = now() where org_id = $1 and id = $2', [orgId, r.id]),
      );
      if (++result.verified % PROGRESS_EVERY === 0) await onProgress(result);
    }
    await onProgress(result);
    return result;
  });
}

async function pollRemote(
  deps: RefreshDeps,
  orgId: string,
  run: ContentRun,
  result: ContentSyncResult,
  done: Set<string>,
  count: (o: ReconcileOutcome) => void,
  onProgress: OnProgress,
): Promise<void> {
  // Each place this connection has items in, with its watermark.
  const { rows: places } = await withOrgTx(deps.db.app, orgId, (c) =>
    c.query<{ kind: TargetRow['kind']; collection: string | null; watermark: string | null }>(
      `select distinct t.kind, t.collection, p.watermark from content_targets t
       left join content_poll_state p on p.connection_id = t.connection_id and p.kind = t.kind and p.collection = coalesce(t.collection, '')
       where t.org_id = $1 and t.connection_id = $2 and t.remote_id is not null`,
      [orgId, run.connectionId],
    ),
  );
  for (const place of places) {
    const loc = { kind: place.kind, collection: place.collection };
    let cursor: string | null = null;
    let watermark = place.watermark;
    do {
      const page = await run.adapter.changedSince(run.s, loc, place.watermark, cursor);
      result.polled += page.items.length;
      const ids = [...page.items.map((i) => i.remoteId), ...(page.deletedIds ?? [])];
      const { rows: targets } = await withOrgTx(deps.db.app, orgId, (c) =>
        c.query<{ id: string; remote_id: string; remote_version: string | null }>(
          'select id, remote_id, remote_version from content_targets where org_id = $1 and connection_id = $2 and remote_id = any($3::text[])',
          [orgId, run.connectionId, ids],
        ),
      );
      const byRemote = new Map(targets.map((t) => [t.remote_id, t]));
      for (const it of page.items) {
        const t = byRemote.get(it.remoteId);
        if (!t) continue; // not an item Plexus publishes
        done.add(t.id);
        count(await reconcileTarget(deps, orgId, run, t.id, it));
      }
      for (const id of page.deletedIds ?? []) {
        const t = byRemote.get(id);
        if (!t) continue;
        done.add(t.id);
        count(await reconcileTarget(deps, orgId, run, t.id, null));
      }
      if (page.watermark && (!watermark || page.watermark > watermark)) watermark = page.watermark;
      cursor = page.next;
      await onProgress(result);
    } while (cursor);
    if (watermark !== place.watermark) {
      await withOrgTx(deps.db.app, orgId, (c) =>
        c.query(
          `insert into content_poll_state (org_id, connection_id, kind, collection, watermark, polled_at) values ($1, $2, $3, $4, $5, now())
           on conflict (org_id, connection_id, kind, collection) do update set watermark = excluded.watermark, polled_at = now()`,
          [orgId, run.connectionId, place.kind, place.collection ?? '', watermark],
        ),
      );
    }
  }
}
