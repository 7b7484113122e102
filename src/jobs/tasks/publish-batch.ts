import { z } from 'zod';
import { failBatchForConnection, failRollback, noteBatchError } from '../../sync/content/batch-failure.ts';
import { runBatchForConnection } from '../../sync/content/publish.ts';
import { rollbackForConnection } from '../../sync/content/rollback.ts';
import type { TaskDefinition } from '../types.ts';
import { providerRuntime } from './runtime-deps.ts';

declare module '../../db/queue.ts' {
  interface JobPayloads {
    publish_batch: { org_id: string; batch_id: string; connection_id: string };
    rollback_batch: { org_id: string; batch_id: string; connection_id: string };
  }
}

const payload = z.object({ org_id: z.string().uuid(), batch_id: z.string().uuid(), connection_id: z.string().uuid() });

/** A publish batch's items for one site. Safe to re-run: what landed is skipped or found again. */
export const publishBatchTask: TaskDefinition<'publish_batch'> = {
  name: 'publish_batch',
  schema: payload,
  lease: (p) => `publish:${p.batch_id}:${p.connection_id}`,
  async run(p, ctx) {
    await runBatchForConnection({ ...providerRuntime(ctx), db: ctx.db, keyring: ctx.keyring, log: ctx.log }, p.org_id, p.batch_id, p.connection_id);
  },
  async onFailure(p, ctx, f) {
    if (f.final) await failBatchForConnection(ctx.db, p.org_id, p.batch_id, p.connection_id, f);
    else await noteBatchError(ctx.db, p.org_id, p.batch_id, f);
  },
};

/** Undoes a batch on one site. Safe to re-run: each item is marked once it is restored. */
export const rollbackBatchTask: TaskDefinition<'rollback_batch'> = {
  name: 'rollback_batch',
  schema: payload,
  lease: (p) => `rollback:${p.batch_id}:${p.connection_id}`,
  async run(p, ctx) {
    await rollbackForConnection({ ...providerRuntime(ctx), db: ctx.db, keyring: ctx.keyring, log: ctx.log }, p.org_id, p.batch_id, p.connection_id);
  },
  async onFailure(p, ctx, f) {
    if (f.final) await failRollback(ctx.db, p.org_id, p.batch_id, f);
    else await noteBatchError(ctx.db, p.org_id, p.batch_id, f);
  },
};
