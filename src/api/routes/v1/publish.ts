import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { withOrgTx } from '../../../db/tx.ts';
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
import type { AppDeps } from '../../deps.ts';
import { decodeCursor, page, pageQuery, pageSchema } from '../../pagination.ts';
import { orgOf } from '../../plugins/auth.ts';
import { authErrors, errorSchema, idParams } from '../../schemas.ts';
import { byRequest } from '../../../audit/actor.ts';
import { recordAudit } from '../../../audit/record.ts';
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

/** Bulk publish: items × sites as one batch, with live progress, dry runs and rollback. */
export const publishRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.post(
    '/publish',
    {
      schema: {
        tags: ['content'],
        summary: 'Publish items to sites as one batch (dry_run: only say what would change)',
        body: z.object({
          item_ids: z.array(z.string().uuid()).min(1).max(MAX_PAIRS),
          connection_ids: z.array(z.string().uuid()).min(1).max(50),
          dry_run: z.boolean().default(false),
          idempotency_key: z.string().min(1).max(200).optional(),
        }),
        response: { 200: batchSchema, 202: batchSchema, 409: errorSchema, 422: errorSchema, ...authErrors },
      },
    },
    async (req, reply) => {
      const orgId = orgOf(req);
      const b = req.body;
      const itemIds = [...new Set(b.item_ids)];
      const connectionIds = [...new Set(b.connection_ids)];
      if (itemIds.length * connectionIds.length > MAX_PAIRS)
        throw plexusError('validation_failed', { message: `At most ${MAX_PAIRS} item × site pairs per batch.` });
      const key = b.idempotency_key ?? (req.headers['idempotency-key'] as string | undefined);
      const { batch, created } = await withOrgTx(deps.db.app, orgId, async (c) => {
        const conns = await connectionStates(c, orgId, connectionIds);
        for (const id of connectionIds) {
          const k = conns.find((x) => x.id === id);
          if (!k) throw plexusError('not_found', { message: `No such connection: ${id}.` });
          if (k.status !== 'active') throw plexusError('conflict', { message: `Connection ${id} is ${k.status}.` });
          if (!contentAdapterFor(k.provider as ProviderId))
            throw plexusError('unprocessable', { message: `${k.provider} connections do not take content.` });
        }
        const found = await existingItemIds(c, orgId, itemIds);
        const missing = itemIds.filter((id) => !found.has(id));
        if (missing.length)
          throw plexusError('not_found', { message: `No such content item: ${missing.slice(0, 5).join(', ')}.` });
        const r = await createBatch(c, orgId, { itemIds, connectionIds, dryRun: b.dry_run, idempotencyKey: key });
        if (r.created)
          await recordAudit(c, orgId, {
            ...byRequest(req),
            action: 'publish.create',
            target: { type: 'publish_batch', id: r.id },
            details: { items: itemIds.length, connection_ids: connectionIds, dry_run: b.dry_run },
          });
        return { batch: (await getBatch(c, orgId, r.id))!, created: r.created };
      });
      return reply.status(created ? 202 : 200).send(withPending(batch));
    },
  );

  app.get(
    '/publish',
    {
      schema: {
        tags: ['content'],
        summary: 'Publish batches, newest first',
        querystring: pageQuery,
        response: { 200: pageSchema(batchSchema), ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const cur = decodeCursor(req.query.cursor);
      const rows = await withOrgTx(deps.db.app, orgId, (c) => listBatches(c, orgId, cur, req.query.limit + 1));
      const p = page(rows, req.query.limit, (r) => [r.created_at, r.id]);
      return { data: p.data.map(withPending), next_cursor: p.next_cursor };
    },
  );

  app.get(
    '/publish/:id',
    {
      schema: {
        tags: ['content'],
        summary: 'A batch with its progress and each item’s status on each site (with the plan of a dry run)',
        params: idParams,
        response: { 200: batchSchema.extend({ items: z.array(batchItemSchema) }), ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      return withOrgTx(deps.db.app, orgId, async (c) => {
        const batch = await getBatch(c, orgId, req.params.id);
        if (!batch) throw plexusError('not_found', { message: 'No such publish batch.' });
        return { ...withPending(batch), items: await listBatchItems(c, orgId, req.params.id) };
      });
    },
  );

  app.post(
    '/publish/:id/rollback',
    {
      schema: {
        tags: ['content'],
        summary: 'Undo a batch: remove the items it created, restore the previous site version of those it updated',
        params: idParams,
        response: { 202: z.object({ id: z.string(), status: publishBatchStatus }), 409: errorSchema, ...authErrors },
      },
    },
    async (req, reply) => {
      const orgId = orgOf(req);
      await withOrgTx(deps.db.app, orgId, async (c) => {
        const b = await lockBatch(c, orgId, req.params.id);
        if (!b) throw plexusError('not_found', { message: 'No such publish batch.' });
        if (b.dry_run)
          throw plexusError('conflict', { message: 'A dry run changed nothing; there is nothing to roll back.' });
        if (b.status === 'rolled_back' || b.status === 'rolling_back') return;
        if (b.status === 'queued' || b.status === 'running')
          throw plexusError('conflict', { message: 'The batch is still running; roll it back once it has finished.' });
        const connectionIds = await startRollback(c, orgId, req.params.id);
        await recordAudit(c, orgId, {
          ...byRequest(req),
          action: 'publish.rollback',
          target: { type: 'publish_batch', id: req.params.id },
        });
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
};
