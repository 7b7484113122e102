import { z } from 'zod';
import { withConnection } from '../../connections/access.ts';
import { recordEvent } from '../../connections/events.ts';
import { withOrgTx } from '../../db/tx.ts';
import { adsSyncFor, contentAdapterFor, type ProviderId, providers } from '../../providers/registry.ts';
import { runAdsSync } from '../../sync/ads/engine.ts';
import { progressOf, syncContent } from '../../sync/content/poll.ts';
import {
  completeContentRun,
  failRunningRun,
  noteRunError,
  openContentRun,
  recordContentProgress,
} from '../../sync/runs.ts';
import { defineTask } from '../define.ts';
import { platformDeps } from './runtime-deps.ts';

declare module '../../db/queue.ts' {
  interface JobPayloads {
    sync_connection: { org_id: string; connection_id: string; reason: string };
  }
}

const payload = z.object({ org_id: z.string().uuid(), connection_id: z.string().uuid(), reason: z.string() });

/**
 * A connection's sync. It starts with the account itself: an authenticated call that proves
 * the credentials still work (refreshing them if needed) and updates the account's name and
 * ids; then, for ad platforms with an entity sync, accounts, campaigns, ad groups, ads and
 * daily metrics into the unified model (resuming a run a killed worker left behind); for CMS,
 * the two-way content sync, recorded as a run with its progress. `last_sync_at` and
 * `sync.completed` come when the sync has finished, not when it starts.
 */
export const syncConnectionTask = defineTask('sync_connection', payload, {
  lease: (p) => `sync:${p.connection_id}`,
  async run(p, ctx) {
    const deps = platformDeps(ctx);
    const jobId = ctx.job.originId ?? ctx.job.id;
    const { rows } = await ctx.db.owner.query<{ provider: ProviderId }>(
      'select provider from connections where org_id = $1 and id = $2',
      [p.org_id, p.connection_id],
    );
    const provider = rows[0]?.provider;
    const adapter = provider && providers[provider].family === 'ads' ? adsSyncFor(provider) : undefined;
    const content = provider && providers[provider].family === 'cms' ? contentAdapterFor(provider) : undefined;
    // The run exists from the start, so a failure of the identity check shows on it too.
    const runId = content ? await openContentRun(ctx.db, p.org_id, p.connection_id, p.reason, jobId) : undefined;
    const identity = await withConnection(deps, p.org_id, p.connection_id, (a) => a.connector.identify(a.ctx, a.creds));
    await withOrgTx(ctx.db.app, p.org_id, async (c) => {
      await c.query(
        `update connections set display_name = $3, config = config || $4::jsonb,
           account_refs = array(select distinct unnest(array[external_account_id] || $5::text[]) where true),
           last_sync_at = case when $6 then now() else last_sync_at end, updated_at = now()
         where org_id = $1 and id = $2 and status = 'active'`,
        [
          p.org_id,
          p.connection_id,
          identity.displayName,
          JSON.stringify(identity.config ?? {}),
          identity.accountRefs ?? [],
          !adapter && !content,
        ],
      );
      // Platforms with an entity or content sync report their own sync.completed when it finishes.
      if (!adapter && !content) {
        await recordEvent(c, p.org_id, 'sync.completed', {
          connection_id: p.connection_id,
          reason: p.reason,
          entities: ['account'],
        });
      }
    });
    if (adapter) {
      await runAdsSync(deps, p.org_id, p.connection_id, adapter, p.reason, { jobId });
      await withOrgTx(ctx.db.app, p.org_id, (c) =>
        c.query('update connections set last_sync_at = now() where org_id = $1 and id = $2', [
          p.org_id,
          p.connection_id,
        ]),
      );
    }
    // CMS: edits made on the site since the last poll (or announced by a webhook), hub edits not yet pushed.
    if (content && runId) {
      const result = await syncContent(deps, p.org_id, p.connection_id, undefined, (r) =>
        recordContentProgress(ctx.db, p.org_id, runId, progressOf(r)),
      );
      await withOrgTx(ctx.db.app, p.org_id, (c) =>
        completeContentRun(c, p.org_id, p.connection_id, runId, p.reason, progressOf(result)),
      );
    }
  },
  async onFailure(p, ctx, failure) {
    if (failure.final) await failRunningRun(ctx.db, p.org_id, p.connection_id, p.reason, failure);
    else await noteRunError(ctx.db, p.org_id, p.connection_id, failure);
  },
});
