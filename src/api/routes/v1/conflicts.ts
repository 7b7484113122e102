import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { withOrgTx } from '../../../db/tx.ts';
import { getConflictView, listConflicts, type ConflictViewRow } from '../../../sync/content/conflicts-store.ts';
import { resolveConflict, type Resolution } from '../../../sync/content/resolve.ts';
import type { AppDeps } from '../../deps.ts';
import { decodeCursor, page, pageQuery, pageSchema } from '../../pagination.ts';
import { orgOf } from '../../plugins/auth.ts';
import { authErrors, errorSchema, idParams } from '../../schemas.ts';
import { API_FIELD, formatConflictFields, FROM_API } from './content-format.ts';
import { byRequest } from '../../../audit/actor.ts';
import { recordAudit } from '../../../audit/record.ts';
import { conflictStatus, contentFieldValue, freeFormObject } from '../../openapi/components.ts';

const conflictSchema = z.object({
  id: z.string(),
  item_id: z.string(),
  connection_id: z.string(),
  status: conflictStatus,
  fields: z.array(
    z.object({ field: z.string(), base: contentFieldValue, hub: contentFieldValue, remote: contentFieldValue }),
  ),
  resolution: freeFormObject.nullable(),
  resolved_by: z.string().nullable(),
  created_at: z.date(),
  resolved_at: z.date().nullable(),
});

const format = (r: ConflictViewRow) => ({
  ...r,
  fields: formatConflictFields(r.fields),
  resolution: r.resolution
    ? Object.fromEntries(Object.entries(r.resolution).map(([k, v]) => [API_FIELD[k] ?? k, v]))
    : null,
});

const fieldName = z.enum([
  'title',
  'body_html',
  'excerpt',
  'slug',
  'status',
  'categories',
  'tags',
  'featured_media',
  'author',
]);

/** Conflicts between hub and site edits, open and resolved (the history), and their resolution. */
export const conflictRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/conflicts',
    {
      schema: {
        tags: ['content'],
        summary: 'Conflicts, newest first (status=open for those waiting on a person)',
        querystring: pageQuery.extend({
          status: z.enum(['open', 'resolved']).optional(),
          item_id: z.string().uuid().optional(),
        }),
        response: { 200: pageSchema(conflictSchema), ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const cur = decodeCursor(req.query.cursor);
      const filters = { status: req.query.status, itemId: req.query.item_id };
      const rows = await withOrgTx(deps.db.app, orgId, (c) =>
        listConflicts(c, orgId, filters, cur, req.query.limit + 1),
      );
      const p = page(rows, req.query.limit, (r) => [r.created_at, r.id]);
      return { data: p.data.map(format), next_cursor: p.next_cursor };
    },
  );

  app.get(
    '/conflicts/:id',
    {
      schema: {
        tags: ['content'],
        summary: 'One conflict: base, hub and site values side by side',
        params: idParams,
        response: { 200: conflictSchema, ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const row = await withOrgTx(deps.db.app, orgId, (c) => getConflictView(c, orgId, req.params.id));
      if (!row) throw plexusError('not_found', { message: 'No such conflict.' });
      return format(row);
    },
  );

  app.post(
    '/conflicts/:id/resolve',
    {
      schema: {
        tags: ['content'],
        summary:
          'Resolve a conflict: one strategy, a side per field, or merged values; the result lands in the hub and on the site',
        params: idParams,
        body: z
          .object({
            strategy: z.enum(['hub_wins', 'remote_wins']).optional(),
            choices: z.partialRecord(fieldName, z.enum(['hub', 'remote', 'base'])).optional(),
            values: z.partialRecord(fieldName, z.unknown()).optional(),
          })
          .refine((b) => b.strategy || b.choices || b.values, { message: 'Give a strategy, choices or values.' }),
        response: { 200: conflictSchema, 409: errorSchema, ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const rename = (o: Record<string, unknown> | undefined) =>
        o ? Object.fromEntries(Object.entries(o).map(([k, v]) => [FROM_API[k] ?? k, v])) : undefined;
      const r: Resolution = {
        strategy: req.body.strategy,
        choices: rename(req.body.choices),
        values: rename(req.body.values),
      };
      const row = await withOrgTx(deps.db.app, orgId, async (c) => {
        await resolveConflict(c, orgId, req.params.id, r);
        await recordAudit(c, orgId, {
          ...byRequest(req),
          action: 'conflict.resolve',
          target: { type: 'conflict', id: req.params.id },
          details: {
            strategy: req.body.strategy ?? null,
            fields: Object.keys({ ...req.body.choices, ...req.body.values }),
          },
        });
        return getConflictView(c, orgId, req.params.id);
      });
      return format(row!);
    },
  );
};
