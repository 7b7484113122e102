import type { RefreshDeps } from '../../connections/refresh.ts';
import type { Database } from '../../db/database.ts';
import { failBatchForConnection, failRollback, noteBatchError } from '../../sync/content/batch-failure.ts';
import { runBatchForConnection } from '../../sync/content/publish.ts';
import { rollbackForConnection } from '../../sync/content/rollback.ts';
import { uuidFields } from '../define.ts';
import type { JobFailure, TaskDefinition } from '../types.ts';
import { platformDeps } from './runtime-deps.ts';

type BatchPayload = { org_id: string; batch_id: string; connection_id: string };

declare module '../../db/queue.ts' {
  interface JobPayloads {
    publish_batch: BatchPayload;
    rollback_batch: BatchPayload;
  }
}

const payload = uuidFields('org_id', 'batch_id', 'connection_id');

/**
 * A task that works through one batch on one site under a lease on that pair: each failed
 * attempt shows on the batch; the last one ends it as `fail` says.
 */
function batchOnSite<N extends 'publish_batch' | 'rollback_batch'>(
  name: N,
  leaseKind: string,
  work: (deps: RefreshDeps, orgId: string, batchId: string, connectionId: string) => Promise<void>,
  fail: (db: Database, p: BatchPayload, f: JobFailure) => Promise<void>,
): TaskDefinition<N> {
  return {
    name,
    schema: payload,
    lease: (p) => `${leaseKind}:${p.batch_id}:${p.connection_id}`,
    async run(p, ctx) {
      await work(platformDeps(ctx), p.org_id, p.batch_id, p.connection_id);
    },
    async onFailure(p, ctx, f) {
      if (f.final) await fail(ctx.db, p, f);
      else await noteBatchError(ctx.db, p.org_id, p.batch_id, f);
    },
  };
}

/** A publish batch's items for one site. Safe to re-run: what landed is skipped or found again. */
export const publishBatchTask = batchOnSite('publish_batch', 'publish', runBatchForConnection, (db, p, f) =>
  failBatchForConnection(db, p.org_id, p.batch_id, p.connection_id, f),
);

/** Undoes a batch on one site. Safe to re-run: each item is marked once it is restored. */
export const rollbackBatchTask = batchOnSite('rollback_batch', 'rollback', rollbackForConnection, (db, p, f) =>
  failRollback(db, p.org_id, p.batch_id, f),
);
