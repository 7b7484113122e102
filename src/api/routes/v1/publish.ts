import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { enqueueMany } from '../../../db/queue.ts';
import { contentAdapterFor, type ProviderId } from '../../../providers/registry.ts';
import { connectionStates } from '../../../connections/repo.ts';
import {
  getBatch,
  listBatches,
  listBatchItems,
  lockBatch,
  startRollback,
  type BatchRow,
} from '../../../sync/content/batches-store.ts';
import { existingItemIds } from '../../../sync/content/items-store.ts';
import { createBatch } from '../../../sync/content/publish.ts';
import { found } from '../../found.ts';
import { orgRoutePlugin } from '../../org-routes.ts';
import { errorSchema } from '../../schemas.ts';
import {
  publishBatchStatus,
  publishItemStatus,
  publishAction,
  recordedError,
  freeFormObject,
} from '../../openapi/components.ts';

const MAX_PAIRS = 10_000;

const batchSchema = z.object({
  id: z.string(),
  status: publishBatchStatus,
  dry_run: z.boolean(),
  total: z.number(),
  done: z.number(),
  failed: z.number(),
  pending: z.number(),
  /** While running: the last failed attempt of its job (it retries); `failed`: the error its dead job ended with. */
  error: recordedError.nullable(),
  created_at: z.date(),
  started_at: z.date().nullable(),
  finished_at: z.date().nullable(),
});
const batchItemSchema = z.object({
  item_id: z.string(),
  connection_id: z.string(),
  status: publishItemStatus,
  action: publishAction.nullable(),
  remote_id: z.string().nullable(),
  plan: freeFormObject
    .nullable()
    .describe('a dry run’s plan: the fields it would send, or the changes and conflicts against the site’s copy'),
  error: recordedError.nullable(),
});

const withPending = (b: BatchRow) => ({ ...b, pending: Math.max(0, b.total - b.done - b.failed) });

const noSuchBatch = 'No such publish batch.';

/** Bulk publish: items × sites as one batch, with live progress, dry runs and rollback. */
export const publishRoutes = orgRoutePlugin('content', async (app, { org, schema }) => {
  app.post(
    '/publish',
    schema.route('Publish items to sites as one batch (dry_run: only say what would change)', {
      body: z.object({
        item_ids: z.array(z.string().uuid()).min(1).max(MAX_PAIRS),
        connection_ids: z.array(z.string().uuid()).min(1).max(50),
        dry_run: z.boolean().default(false),
        idempotency_key: z.string().min(1).max(200).optional(),
      }),
      response: { 200: batchSchema, 202: batchSchema, 409: errorSchema, 422: errorSchema },
    }),
    async (req, reply) => {
      const b = req.body;
      const itemIds = [...new Set(b.item_ids)];
      const connectionIds = [...new Set(b.connection_ids)];
      if (itemIds.length * connectionIds.length > MAX_PAIRS)
        throw plexusError('validation_failed', { message: `At most ${MAX_PAIRS} item × site pairs per batch.` });
      const key = b.idempotency_key ?? (req.headers['idempotency-key'] as string | undefined);
      const { batch, created } = await org.tx(req, async (c, orgId, audit) => {
        const conns = await connectionStates(c, orgId, connectionIds);
        for (const id of connectionIds) {
          const k = found(
            conns.find((x) => x.id === id),
            `No such connection: ${id}.`,
          );
          if (k.status !== 'active') throw plexusError('conflict', { message: `Connection ${id} is ${k.status}.` });
          if (!contentAdapterFor(k.provider as ProviderId))
            throw plexusError('unprocessable', { message: `${k.provider} connections do not take content.` });
        }
        const existing = await existingItemIds(c, orgId, itemIds);
        const missing = itemIds.filter((id) => !existing.has(id));
        if (missing.length)
          throw plexusError('not_found', { message: `No such content item: ${missing.slice(0, 5).join(', ')}.` });
        const r = await createBatch(c, orgId, { itemIds, connectionIds, dryRun: b.dry_run, idempotencyKey: key });
        if (r.created)
          await audit(
            'publish.create',
            { type: 'publish_batch', id: r.id },
            { items: itemIds.length, connection_ids: connectionIds, dry_run: b.dry_run },
          );
        return { batch: (await getBatch(c, orgId, r.id))!, created: r.created };
      });
      return reply.status(created ? 202 : 200).send(withPending(batch));
    },
  );

  app.get('/publish', schema.list('Publish batches, newest first', batchSchema), async (req) =>
    org.listPage(req, listBatches, [], (r) => [r.created_at, r.id], withPending),
  );

  app.get(
    '/publish/:id',
    schema.byId(
      'A batch with its progress and each item’s status on each site (with the plan of a dry run)',
      batchSchema.extend({ items: z.array(batchItemSchema) }),
    ),
    async (req) =>
      org.tx(req, async (c, orgId) => {
        const batch = found(await getBatch(c, orgId, req.params.id), noSuchBatch);
        return { ...withPending(batch), items: await listBatchItems(c, orgId, req.params.id) };
      }),
  );

  app.post(
    '/publish/:id/rollback',
    schema.onId('Undo a batch: remove the items it created, restore the previous site version of those it updated', {
      202: z.object({ id: z.string(), status: publishBatchStatus }),
      409: errorSchema,
    }),
    async (req, reply) => {
      await org.tx(req, async (c, orgId, audit) => {
        const b = found(await lockBatch(c, orgId, req.params.id), noSuchBatch);
        if (b.dry_run)
          throw plexusError('conflict', { message: 'A dry run changed nothing; there is nothing to roll back.' });
        if (b.status === 'rolled_back' || b.status === 'rolling_back') return;
        if (b.status === 'queued' || b.status === 'running')
          throw plexusError('conflict', { message: 'The batch is still running; roll it back once it has finished.' });
        const connectionIds = await startRollback(c, orgId, req.params.id);
        await audit('publish.rollback', { type: 'publish_batch', id: req.params.id });
        await enqueueMany(
          c,
          connectionIds.map((id) => ({
            task: 'rollback_batch',
            payload: { org_id: orgId, batch_id: req.params.id, connection_id: id },
            jobKey: `rollback:${req.params.id}:${id}`,
          })),
        );
      });
      return reply.status(202).send({ id: req.params.id, status: 'rolling_back' });
    },
  );
});
