import { engineSettings } from '../../config/schema.ts';
import type { RefreshDeps } from '../../connections/refresh.ts';
import { isPlexusError, plexusError } from '../../core/errors.ts';
import type { PoolClient } from '../../db/pool.ts';
import { withOrgTx } from '../../db/tx.ts';
import { enqueueMany } from '../../db/queue.ts';
import { settleBatchOutcome } from './batch-failure.ts';
import { assertLease, fenceToken } from '../../db/fence.ts';
import { withContentRun, type ContentRun } from './context.ts';
import { diffFields } from './merge.ts';
import { decidePublish, siteDefaults } from './publish-plan.ts';
import { reconcileTarget } from './reconcile.ts';
import { fieldsOf, getItem, markSynced, updateItemFields, type ItemRow, type TargetRow } from './store.ts';
import { ensureTarget, markCreateStarted, targetOn } from './targets.ts';
import {
  syncedFields,
  type ContentKind,
  type RemoteContent,
  type TargetLocation,
} from '../../providers/contracts/content.ts';
import { publishItems } from '../../observability/platform-metrics.ts';
import { currentOperation } from '../../operations/context.ts';

export interface BatchRequest {
  itemIds: readonly string[];
  connectionIds: readonly string[];
  dryRun: boolean;
  idempotencyKey?: string | undefined;
}

interface BatchItemRow {
  item_id: string;
  connection_id: string;
  seq: number;
  status: string;
}

/**
 * Records a batch (items × targets) and queues one job per target connection, all in the
 * caller's transaction. The same idempotency key returns the batch already made.
 */
export async function createBatch(
  c: PoolClient,
  orgId: string,
  req: BatchRequest,
): Promise<{ id: string; created: boolean }> {
  if (req.idempotencyKey) {
    const { rows } = await c.query<{ id: string }>(
      'select id from publish_batches where org_id = $1 and idempotency_key = $2',
      [orgId, req.idempotencyKey],
    );
    if (rows[0]) return { id: rows[0].id, created: false };
  }
  const total = req.itemIds.length * req.connectionIds.length;
  const { rows } = await c.query<{ id: string }>(
    'insert into publish_batches (org_id, dry_run, idempotency_key, total) values ($1, $2, $3, $4) returning id',
    [orgId, req.dryRun, req.idempotencyKey ?? null, total],
  );
  const id = rows[0]!.id;
  await c.query(
    `insert into publish_batch_items (org_id, batch_id, seq, item_id, connection_id)
     select $1, $2, i.ord::int, i.item_id, t.connection_id
     from unnest($3::uuid[]) with ordinality as i(item_id, ord), unnest($4::uuid[]) as t(connection_id)`,
    [orgId, id, req.itemIds, req.connectionIds],
  );
  await enqueueMany(
    c,
    req.connectionIds.map((connectionId) => ({
      task: 'publish_batch',
      payload: { org_id: orgId, batch_id: id, connection_id: connectionId },
      jobKey: `publish:${id}:${connectionId}`,
    })),
  );
  return { id, created: true };
}

const ITEM_CHUNK = 200;

/** How long a create sent before a crash may still land at the site: past the HTTP timeout, with margin. */
const createSettleMs = () => engineSettings().createSettleMs;

async function pendingItems(
  deps: RefreshDeps,
  orgId: string,
  batchId: string,
  connectionId: string,
  after: number,
): Promise<BatchItemRow[]> {
  return withOrgTx(
    deps.db.app,
    orgId,
    async (c) =>
      (
        await c.query<BatchItemRow>(
          `select item_id, connection_id, seq, status from publish_batch_items
       where org_id = $1 and batch_id = $2 and connection_id = $3 and status = 'pending' and seq > $4 order by seq limit $5`,
          [orgId, batchId, connectionId, after, ITEM_CHUNK],
        )
      ).rows,
  );
}

async function finishItem(
  c: PoolClient,
  orgId: string,
  batchId: string,
  row: { item_id: string; connection_id: string },
  update: {
    status: 'done' | 'failed' | 'conflict';
    action?: string | null;
    remoteId?: string | null;
    previous?: unknown;
    plan?: unknown;
    error?: unknown;
  },
): Promise<void> {
  // An outcome is only recorded by the runner that still holds the batch's lease.
  await assertLease(c);
  const { rowCount } = await c.query(
    `update publish_batch_items set status = $5, action = coalesce($6, action), remote_id = coalesce($7, remote_id), previous = coalesce($8, previous),
       plan = $9, error = $10, updated_at = now()
     where org_id = $1 and batch_id = $2 and item_id = $3 and connection_id = $4 and status = 'pending'`,
    [
      orgId,
      batchId,
      row.item_id,
      row.connection_id,
      update.status,
      update.action ?? null,
      update.remoteId ?? null,
      update.previous === undefined ? null : JSON.stringify(update.previous),
      update.plan === undefined ? null : JSON.stringify(update.plan),
      update.error === undefined ? null : JSON.stringify(update.error),
    ],
  );
  if (rowCount) publishItems.inc({ provider: currentOperation()?.provider ?? 'unknown', outcome: update.status });
  if (rowCount)
    await c.query(
      `update publish_batches set ${update.status === 'failed' ? 'failed = failed + 1' : 'done = done + 1'} where org_id = $1 and id = $2`,
      [orgId, batchId],
    );
}

function errorOf(err: unknown): { code: string; message: string } {
  return isPlexusError(err)
    ? { code: err.code, message: err.message }
    : { code: 'internal_error', message: 'Publishing this item failed.' };
}

/** Sets the batch's outcome once every item is settled, and records `publish.completed` once. */
const settleBatch = (deps: RefreshDeps, orgId: string, batchId: string) => settleBatchOutcome(deps.db, orgId, batchId);

/**
 * Publishes a batch's items to one connection, in order, within the site's rate (the paced
 * HTTP client) and with its bulk endpoint where it has one. Each item's outcome is saved as it
 * lands, so a retried job (a worker killed mid-batch) skips what is done; a create that was
 * sent but not recorded is found again by its slug instead of being sent twice.
 */
export async function runBatchForConnection(
  deps: RefreshDeps,
  orgId: string,
  batchId: string,
  connectionId: string,
): Promise<void> {
  const batch = await withOrgTx(deps.db.app, orgId, async (c) => {
    const { rows } = await c.query<{ dry_run: boolean; status: string }>(
      `update publish_batches set status = case when status = 'queued' then 'running' else status end, started_at = coalesce(started_at, now())
       where org_id = $1 and id = $2 returning dry_run, status`,
      [orgId, batchId],
    );
    return rows[0];
  });
  if (!batch || !['running', 'queued'].includes(batch.status)) return;
  const unsettled = { wait: 0 };
  await withContentRun(deps, orgId, connectionId, async (run) => {
    const locs = new Map<ContentKind, TargetLocation>();
    const locate = async (kind: ContentKind) => {
      let l = locs.get(kind);
      if (!l) locs.set(kind, (l = await run.adapter.locate(run.s, kind)));
      return l;
    };
    let after = 0;
    for (;;) {
      const rows = await pendingItems(deps, orgId, batchId, connectionId, after);
      if (!rows.length) break;
      after = rows[rows.length - 1]!.seq;
      const creates: { row: BatchItemRow; item: ItemRow; target: TargetRow; loc: TargetLocation }[] = [];
      for (const row of rows) {
        const item = await withOrgTx(deps.db.app, orgId, (c) => getItem(c, orgId, row.item_id));
        if (!item) {
          await withOrgTx(deps.db.app, orgId, (c) =>
            finishItem(c, orgId, batchId, row, {
              status: 'failed',
              error: { code: 'not_found', message: 'The item was deleted.' },
            }),
          );
          continue;
        }
        if (!run.adapter.kinds.includes(item.kind)) {
          await withOrgTx(deps.db.app, orgId, (c) =>
            finishItem(c, orgId, batchId, row, {
              status: 'failed',
              error: { code: 'unprocessable', message: `${run.provider} does not take ${item.kind} items.` },
            }),
          );
          continue;
        }
        const loc = await locate(item.kind);
        const existing = await withOrgTx(deps.db.app, orgId, (c) => targetOn(c, orgId, item.id, connectionId));
        // A create sent before an interruption is recovered by the create path (found by slug, or settled).
        if (!batch.dry_run && existing?.create_started_at && !existing.remote_id) {
          creates.push({ row, item, target: existing, loc });
          continue;
        }
        const d = await decidePublish(deps, orgId, run, item, existing, loc);
        if (batch.dry_run || d.action === 'refuse') {
          const error = d.action === 'refuse' ? d.error : undefined;
          await withOrgTx(deps.db.app, orgId, (c) =>
            finishItem(c, orgId, batchId, row, {
              status: batch.dry_run ? 'done' : 'failed',
              action: d.action,
              plan: batch.dry_run ? d.plan : undefined,
              error,
            }),
          );
          continue;
        }
        const target = await withOrgTx(deps.db.app, orgId, async (c) => {
          // A runner that lost the lease while deciding must not unlink what the new holder made.
          await assertLease(c);
          const t = await ensureTarget(c, orgId, item.id, connectionId, loc);
          // Publishing again takes a rolled-back or remotely deleted item back into sync; a
          // create or an adoption starts from no link.
          const unlink = d.action === 'create' || d.action === 'adopt';
          if (t.state === 'rolled_back' || t.state === 'remote_deleted' || (unlink && t.remote_id)) {
            await c.query(
              "update content_targets set state = 'pending', remote_id = case when $3 then null else remote_id end, base = case when $3 then null else base end, updated_at = now() where org_id = $1 and id = $2",
              [orgId, t.id, unlink],
            );
            return {
              ...t,
              state: 'pending' as const,
              remote_id: unlink ? null : t.remote_id,
              base: unlink ? null : t.base,
            };
          }
          return t;
        });
        if (d.action === 'create') creates.push({ row, item, target, loc });
        // Each new item is looked up on the site first (adopt or create), so creates go out as
        // soon as a bulk call's worth is decided, not after the whole chunk's lookups.
        if (creates.length >= createBatchSize(run))
          await publishCreates(deps, orgId, batchId, run, creates.splice(0), unsettled);
        if (d.action === 'create') continue;
        else if (d.action === 'adopt') await publishAdopt(deps, orgId, batchId, run, row, item, target, loc, d.remote);
        else await publishUpdate(deps, orgId, batchId, run, row, target, d.action, d.remote);
      }
      await publishCreates(deps, orgId, batchId, run, creates, unsettled);
    }
  });
  if (unsettled.wait > 0) {
    throw plexusError('unavailable', {
      message: 'A create sent before an interruption may still land; checking again shortly.',
      retryAfterMs: unsettled.wait,
    });
  }
  await settleBatch(deps, orgId, batchId);
}

async function publishUpdate(
  deps: RefreshDeps,
  orgId: string,
  batchId: string,
  run: ContentRun,
  row: BatchItemRow,
  target: TargetRow,
  action: 'update' | 'noop',
  remote: RemoteContent,
): Promise<void> {
  try {
    // Saved before the write, so a rollback can restore it even if the worker dies right after.
    await saveRollbackPoint(deps, orgId, batchId, row, remote);
    const outcome = await reconcileTarget(deps, orgId, run, target.id, remote);
    await withOrgTx(deps.db.app, orgId, (c) =>
      finishItem(
        c,
        orgId,
        batchId,
        row,
        outcome === 'conflict'
          ? {
              status: 'conflict',
              action,
              error: {
                code: 'content.conflict_open',
                message: 'The item was also changed on the site; a conflict is open.',
              },
            }
          : { status: 'done', action },
      ),
    );
  } catch (err) {
    if (isPlexusError(err) && err.retry === 'permanent') {
      await withOrgTx(deps.db.app, orgId, (c) =>
        finishItem(c, orgId, batchId, row, { status: 'failed', action, error: errorOf(err) }),
      );
      return;
    }
    throw err;
  }
}

function saveRollbackPoint(
  deps: RefreshDeps,
  orgId: string,
  batchId: string,
  row: BatchItemRow,
  remote: RemoteContent,
): Promise<unknown> {
  return withOrgTx(deps.db.app, orgId, (c) =>
    c.query(
      'update publish_batch_items set previous = $5, remote_id = $6 where org_id = $1 and batch_id = $2 and item_id = $3 and connection_id = $4',
      [
        orgId,
        batchId,
        row.item_id,
        row.connection_id,
        JSON.stringify({ fields: remote.fields, version: remote.version }),
        remote.remoteId,
      ],
    ),
  );
}

/** Links the site's item with this slug to the hub item and gives it the hub's fields. */
async function publishAdopt(
  deps: RefreshDeps,
  orgId: string,
  batchId: string,
  run: ContentRun,
  row: BatchItemRow,
  item: ItemRow,
  target: TargetRow,
  loc: TargetLocation,
  remote: RemoteContent,
): Promise<void> {
  try {
    await saveRollbackPoint(deps, orgId, batchId, row, remote);
    const hub = fieldsOf(item);
    const changes = diffFields(remote.fields, hub, [], syncedFields(run.adapter, loc.kind));
    const written = Object.keys(changes).length
      ? await run.adapter.update(run.s, loc, remote.remoteId, changes, remote.version)
      : remote;
    await landCreated(deps, orgId, batchId, run, [{ e: { row, item, target, loc }, remote: written }], 'adopt');
  } catch (err) {
    if (isPlexusError(err) && err.retry === 'permanent') {
      await withOrgTx(deps.db.app, orgId, (c) =>
        finishItem(c, orgId, batchId, row, { status: 'failed', action: 'adopt', error: errorOf(err) }),
      );
      return;
    }
    throw err;
  }
}

interface CreateEntry {
  row: BatchItemRow;
  item: ItemRow;
  target: TargetRow;
  loc: TargetLocation;
}

/**
 * Records items that now have a copy on the site, in one transaction (a bulk create's outcomes
 * are not kept waiting on a hundred small commits). The base is what the hub sent, plus what
 * the site filled in where the hub left a field empty (its author, say), which the hub takes
 * too: the copies start out equal.
 */
async function landCreated(
  deps: RefreshDeps,
  orgId: string,
  batchId: string,
  run: ContentRun,
  landed: { e: CreateEntry; remote: RemoteContent }[],
  action: 'create' | 'adopt' = 'create',
): Promise<void> {
  if (!landed.length) return;
  await withOrgTx(deps.db.app, orgId, async (c) => {
    for (const { e, remote } of landed) {
      const hub = fieldsOf(e.item);
      const filled = siteDefaults(hub, remote.fields, syncedFields(run.adapter, e.loc.kind));
      let version = e.item.version;
      if (Object.keys(filled).length) version = (await updateItemFields(c, orgId, e.item.id, filled, null)) ?? version;
      await markSynced(c, orgId, e.target.id, { ...hub, ...filled }, remote, version);
      await finishItem(c, orgId, batchId, e.row, { status: 'done', action, remoteId: remote.remoteId });
    }
  });
}

/** Past this many creates to recover in one place, one listing of recent changes beats a lookup each. */
const LIST_RECOVERY_FROM = 4;
/** Margin for the site's clock against ours when listing what changed since a create was sent. */
const CLOCK_MARGIN_MS = 10 * 60_000;

const placeKey = (loc: TargetLocation) => `${loc.kind}\u0000${loc.collection ?? ''}`;

/**
 * Items the site changed since the earliest of these creates was sent, by slug, per place with
 * enough of them: after a crash mid-bulk-create, a page of 100 recent items answers for 100
 * lookups. Places with few creates to recover are left to lookups one by one.
 */
async function recentlyChangedBySlug(
  run: ContentRun,
  recovering: { item: ItemRow; target: TargetRow; loc: TargetLocation }[],
): Promise<Map<string, Map<string, RemoteContent>>> {
  const out = new Map<string, Map<string, RemoteContent>>();
  const byPlace = new Map<string, typeof recovering>();
  for (const e of recovering) byPlace.set(placeKey(e.loc), [...(byPlace.get(placeKey(e.loc)) ?? []), e]);
  for (const [key, group] of byPlace) {
    if (group.length < LIST_RECOVERY_FROM) continue;
    const earliest = Math.min(...group.map((e) => e.target.create_started_at!.getTime()));
    const since = new Date(earliest - CLOCK_MARGIN_MS).toISOString();
    const bySlug = new Map<string, RemoteContent>();
    let cursor: string | null = null;
    do {
      const page = await run.adapter.changedSince(run.s, group[0]!.loc, since, cursor);
      for (const it of page.items) if (!it.trashed) bySlug.set(it.fields.slug, it);
      cursor = page.next;
    } while (cursor);
    out.set(key, bySlug);
  }
  return out;
}

/** Items per create call: the site's bulk size where it has a bulk endpoint, else one. */
const createBatchSize = (run: ContentRun) => (run.adapter.createMany ? Math.max(1, run.adapter.bulkSize ?? 25) : 1);

async function publishCreates(
  deps: RefreshDeps,
  orgId: string,
  batchId: string,
  run: ContentRun,
  creates: { row: BatchItemRow; item: ItemRow; target: TargetRow; loc: TargetLocation }[],
  unsettled: { wait: number },
): Promise<void> {
  const landAll = (landed: { e: CreateEntry; remote: RemoteContent }[]) =>
    landCreated(deps, orgId, batchId, run, landed);
  const land = (e: (typeof creates)[number], remote: RemoteContent) => landAll([{ e, remote }]);
  const fail = (e: (typeof creates)[number], err: unknown) =>
    withOrgTx(deps.db.app, orgId, (c) =>
      finishItem(c, orgId, batchId, e.row, { status: 'failed', error: errorOf(err) }),
    );
  // A create that may have reached the site before a crash: adopt what is there.
  const fresh: typeof creates = [];
  const recent = await recentlyChangedBySlug(
    run,
    creates.filter((e) => e.target.create_started_at),
  );
  const adopted: { e: (typeof creates)[number]; remote: RemoteContent }[] = [];
  for (const e of creates) {
    if (!e.target.create_started_at) {
      fresh.push(e);
      continue;
    }
    const listed = recent.get(placeKey(e.loc));
    const found = listed ? (listed.get(e.item.slug) ?? null) : await run.adapter.findBySlug(run.s, e.loc, e.item.slug);
    if (found) {
      adopted.push({ e, remote: found });
      continue;
    }
    // Not there yet, but a request sent just before the crash may still land: wait until it
    // no longer can before sending another, or the site could get two copies.
    const age = deps.clock.now().getTime() - e.target.create_started_at.getTime();
    // The item stays pending; the others go on, and the job comes back for it.
    if (age < createSettleMs()) unsettled.wait = Math.max(unsettled.wait, createSettleMs() - age);
    else fresh.push(e);
  }
  await landAll(adopted);
  const size = createBatchSize(run);
  for (let i = 0; i < fresh.length; i += size) {
    const chunk = fresh
      .slice(i, i + size)
      .filter((e) => e.loc.kind === fresh[i]!.loc.kind && e.loc.collection === fresh[i]!.loc.collection);
    const rest = fresh.slice(i, i + size).filter((e) => !chunk.includes(e));
    for (const all of [chunk, ...rest.map((e) => [e])]) {
      if (!all.length) continue;
      const granted = await withOrgTx(deps.db.app, orgId, async (c) => {
        await assertLease(c);
        return markCreateStarted(
          c,
          orgId,
          all.map((e) => e.target.id),
          fenceToken(),
          createSettleMs(),
        );
      });
      const group = all.filter((e) => granted.has(e.target.id));
      // Started by another runner since this one read the targets: in flight there, never fresh here.
      if (group.length < all.length) unsettled.wait = Math.max(unsettled.wait, createSettleMs());
      if (!group.length) continue;
      try {
        const made =
          group.length > 1 && run.adapter.createMany
            ? await run.adapter.createMany(
                run.s,
                group[0]!.loc,
                group.map((e) => fieldsOf(e.item)),
              )
            : [await run.adapter.create(run.s, group[0]!.loc, fieldsOf(group[0]!.item))];
        await landAll(group.map((e, k) => ({ e, remote: made[k]! })));
      } catch (err) {
        if (!(isPlexusError(err) && err.retry === 'permanent')) throw err;
        if (group.length === 1) {
          await withOrgTx(deps.db.app, orgId, (c) =>
            c.query(
              'update content_targets set create_started_at = null, last_error = $3 where org_id = $1 and id = $2',
              [orgId, group[0]!.target.id, JSON.stringify(errorOf(err))],
            ),
          );
          await fail(group[0]!, err);
          continue;
        }
        // A bulk call refused as a whole: each item alone, so one bad item fails alone.
        for (const e of group) {
          try {
            const found = await run.adapter.findBySlug(run.s, e.loc, e.item.slug);
            await land(e, found ?? (await run.adapter.create(run.s, e.loc, fieldsOf(e.item))));
          } catch (inner) {
            if (!(isPlexusError(inner) && inner.retry === 'permanent')) throw inner;
            await fail(e, inner);
          }
        }
      }
    }
  }
}
