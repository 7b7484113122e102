import { recordEvent } from '../../connections/events.ts';
import type { RefreshDeps } from '../../connections/refresh.ts';
import { isPlexusError } from '../../core/errors.ts';
import { withOrgTx } from '../../db/tx.ts';
import { withContentRun } from './context.ts';
import { diffFields } from './merge.ts';
import { contentHash } from './store.ts';
import { targetOn } from './targets.ts';
import { syncedFields, type ContentFields } from '../../providers/contracts/content.ts';

interface DoneRow {
  item_id: string;
  action: 'create' | 'adopt' | 'update' | 'noop';
  remote_id: string | null;
  previous: { fields: ContentFields; version: string } | null;
}

/**
 * Undoes a batch on one connection: items it created are removed from the site, items it
 * updated or adopted get their previous remote version back. Rolled-back targets stop syncing until
 * they are published again, so the hub's newer version is not pushed straight back.
 */
export async function rollbackForConnection(
  deps: RefreshDeps,
  orgId: string,
  batchId: string,
  connectionId: string,
): Promise<void> {
  const rows = await withOrgTx(
    deps.db.app,
    orgId,
    async (c) =>
      (
        await c.query<DoneRow>(
          `select item_id, action, remote_id, previous from publish_batch_items
       where org_id = $1 and batch_id = $2 and connection_id = $3 and status in ('done', 'conflict') and action in ('create', 'adopt', 'update') order by seq`,
          [orgId, batchId, connectionId],
        )
      ).rows,
  );
  if (rows.length) {
    await withContentRun(deps, orgId, connectionId, async (run) => {
      for (const r of rows) {
        const target = await withOrgTx(deps.db.app, orgId, (c) => targetOn(c, orgId, r.item_id, connectionId));
        const loc = { kind: target?.kind ?? 'post', collection: target?.collection ?? null };
        const remoteId = target?.remote_id ?? r.remote_id;
        if (r.action === 'create' && remoteId) {
          try {
            await run.adapter.remove(run.s, loc, remoteId);
          } catch (err) {
            if (!(isPlexusError(err) && err.code === 'provider.not_found')) throw err;
          }
          await withOrgTx(deps.db.app, orgId, async (c) => {
            if (target) await c.query('delete from content_targets where org_id = $1 and id = $2', [orgId, target.id]);
            await c.query(
              "update publish_batch_items set status = 'rolled_back', updated_at = now() where org_id = $1 and batch_id = $2 and item_id = $3 and connection_id = $4",
              [orgId, batchId, r.item_id, connectionId],
            );
          });
        } else if ((r.action === 'update' || r.action === 'adopt') && remoteId && r.previous && target) {
          const now = await run.adapter.read(run.s, loc, remoteId);
          let restored = now;
          if (now) {
            const changes = diffFields(now.fields, r.previous.fields, [], syncedFields(run.adapter, loc.kind));
            if (Object.keys(changes).length)
              restored = await run.adapter.update(run.s, loc, remoteId, changes, now.version);
          }
          await withOrgTx(deps.db.app, orgId, async (c) => {
            await c.query(
              `update content_targets set state = 'rolled_back', base = $3, base_hash = $4, remote_version = $5, updated_at = now() where org_id = $1 and id = $2`,
              [
                orgId,
                target.id,
                JSON.stringify(r.previous!.fields),
                contentHash(r.previous!.fields),
                restored?.version ?? target.remote_version,
              ],
            );
            await c.query(
              "update content_conflicts set status = 'resolved', resolved_by = 'rollback', resolved_at = now() where org_id = $1 and target_id = $2 and status = 'open'",
              [orgId, target.id],
            );
            await c.query(
              "update publish_batch_items set status = 'rolled_back', updated_at = now() where org_id = $1 and batch_id = $2 and item_id = $3 and connection_id = $4",
              [orgId, batchId, r.item_id, connectionId],
            );
          });
        }
      }
    });
  }
  await withOrgTx(deps.db.app, orgId, async (c) => {
    const { rows: left } = await c.query(
      `select 1 from publish_batch_items where org_id = $1 and batch_id = $2 and status in ('done', 'conflict') and action in ('create', 'adopt', 'update') limit 1`,
      [orgId, batchId],
    );
    if (left.length) return;
    const { rowCount } = await c.query(
      "update publish_batches set status = 'rolled_back', finished_at = now() where org_id = $1 and id = $2 and status = 'rolling_back'",
      [orgId, batchId],
    );
    if (rowCount) await recordEvent(c, orgId, 'publish.rolled_back', { batch_id: batchId });
  });
}
