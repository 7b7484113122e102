import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { withOrgTx } from '../../../db/tx.ts';
import { enqueueMany, type JobSpec } from '../../../db/queue.ts';
import { contentAdapterFor, type ProviderId } from '../../../providers/registry.ts';
import { createBatch } from '../../../sync/content/publish.ts';
import type { AppDeps } from '../../deps.ts';
import { decodeCursor, page, pageQuery, pageSchema } from '../../pagination.ts';
import { orgOf } from '../../plugins/auth.ts';
import { authErrors, errorSchema, idParams } from '../../schemas.ts';
import { byRequest } from '../../../audit/actor.ts';
import { recordAudit } from '../../../audit/record.ts';
import { publishBatchStatus, publishItemStatus, publishAction, recordedError, freeFormObject } from '../../openapi/components.ts';

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
  plan: freeFormObject.nullable().describe('a dry run’s plan: the fields it would send, or the changes and conflicts against the site’s copy'),
  error: recordedError.nullable(),
});

type BatchRow = Omit<z.infer<typeof batchSchema>, 'pending'>;
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
      if (itemIds.length * connectionIds.length > MAX_PAIRS) throw plexusError('validation_failed', { message: `At most ${MAX_PAIRS} item × site pairs per batch.` });
      const key = b.idempotency_key ?? (req.headers['idempotency-key'] as string | undefined);
      const { batch, created } = await withOrgTx(deps.db.app, orgId, async (c) => {
        const { rows: conns } = await c.query<{ id: string; provider: ProviderId; status: string }>('select id, provider, status from connections where org_id = $1 and id = any($2::uuid[])', [orgId, connectionIds]);
        for (const id of connectionIds) {
          const k = conns.find((x) => x.id === id);
          if (!k) throw plexusError('not_found', { message: `No such connection: ${id}.` });
          if (k.status !== 'active') throw plexusError('conflict', { message: `Connection ${id} is ${k.status}.` });
          if (!contentAdapterFor(k.provider)) throw plexusError('unprocessable', { message: `${k.provider} connections do not take content.` });
        }
        const { rows: items } = await c.query<{ id: string }>('select id from content_items where org_id = $1 and id = any($2::uuid[])', [orgId, itemIds]);
        const missing = itemIds.filter((id) => !items.some((i) => i.id === id));
        if (missing.length) throw plexusError('not_found', { message: `No such content item: ${missing.slice(0, 5).join(', ')}.` });
        const r = await createBatch(c, orgId, { itemIds, connectionIds, dryRun: b.dry_run, idempotencyKey: key });
        if (r.created) await recordAudit(c, orgId, { ...byRequest(req), action: 'publish.create', target: { type: 'publish_batch', id: r.id }, details: { items: itemIds.length, connection_ids: connectionIds, dry_run: b.dry_run } });
        const { rows } = await c.query<BatchRow>('select id, status, dry_run, total, done, failed, error, created_at, started_at, finished_at from publish_batches where org_id = $1 and id = $2', [orgId, r.id]);
        return { batch: rows[0]!, created: r.created };
      });
      return reply.status(created ? 202 : 200).send(withPending(batch));
    },
  );

  app.get(
    '/publish',
    { schema: { tags: ['content'], summary: 'Publish batches, newest first', querystring: pageQuery, response: { 200: pageSchema(batchSchema), ...authErrors } } },
    async (req) => {
      const orgId = orgOf(req);
      const cur = decodeCursor(req.query.cursor);
      const rows = await withOrgTx(deps.db.app, orgId, async (c) =>
        (
          await c.query<BatchRow>(
            `select id, status, dry_run, total, done, failed, error, created_at, started_at, finished_at from publish_batches
             where org_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2, $3::uuid)) order by created_at desc, id desc limit $4`,
            [orgId, cur?.at ?? null, cur?.id ?? null, req.query.limit + 1],
          )
        ).rows,
      );
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
        const { rows } = await c.query<BatchRow>('select id, status, dry_run, total, done, failed, error, created_at, started_at, finished_at from publish_batches where org_id = $1 and id = $2', [orgId, req.params.id]);
        if (!rows[0]) throw plexusError('not_found', { message: 'No such publish batch.' });
        const items = await c.query('select item_id, connection_id, status, action, remote_id, plan, error from publish_batch_items where org_id = $1 and batch_id = $2 order by connection_id, seq', [orgId, req.params.id]);
        return { ...withPending(rows[0]), items: items.rows };
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
        const { rows } = await c.query<{ status: string; dry_run: boolean }>('select status, dry_run from publish_batches where org_id = $1 and id = $2 for update', [orgId, req.params.id]);
        const b = rows[0];
        if (!b) throw plexusError('not_found', { message: 'No such publish batch.' });
        if (b.dry_run) throw plexusError('conflict', { message: 'A dry run changed nothing; there is nothing to roll back.' });
        if (b.status === 'rolled_back' || b.status === 'rolling_back') return;
        if (b.status === 'queued' || b.status === 'running') throw plexusError('conflict', { message: 'The batch is still running; roll it back once it has finished.' });
        await c.query("update publish_batches set status = 'rolling_back' where org_id = $1 and id = $2", [orgId, req.params.id]);
        await recordAudit(c, orgId, { ...byRequest(req), action: 'publish.rollback', target: { type: 'publish_batch', id: req.params.id } });
        const { rows: conns } = await c.query<{ connection_id: string }>('select distinct connection_id from publish_batch_items where org_id = $1 and batch_id = $2', [orgId, req.params.id]);
        await enqueueMany(c, conns.map((r) => ({ task: 'rollback_batch', payload: { org_id: orgId, batch_id: req.params.id, connection_id: r.connection_id }, jobKey: `rollback:${req.params.id}:${r.connection_id}` }) as JobSpec));
      });
      return reply.status(202).send({ id: req.params.id, status: 'rolling_back' });
    },
  );
};
