import { z } from 'zod';
import { getConflictView, listConflicts, type ConflictViewRow } from '../../../sync/content/conflicts-store.ts';
import { resolveConflict, type Resolution } from '../../../sync/content/resolve.ts';
import { orgRoutePlugin } from '../../org-routes.ts';
import { errorSchema, idParams } from '../../schemas.ts';
import { API_FIELD, formatConflictFields, FROM_API } from './content-format.ts';
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

/** A field a resolution may name: a unified content field, by its API name. */
const fieldName = z.enum(Object.values(API_FIELD) as [string, ...string[]]);

/** Conflicts between hub and site edits, open and resolved (the history), and their resolution. */
export const conflictRoutes = orgRoutePlugin('content', async (app, { org, schema }) => {
  app.get(
    '/conflicts',
    schema.list('Conflicts, newest first (status=open for those waiting on a person)', conflictSchema, {
      status: z.enum(['open', 'resolved']).optional(),
      item_id: z.string().uuid().optional(),
    }),
    async (req) => {
      const filters = { status: req.query.status, itemId: req.query.item_id };
      return org.listPage(req, listConflicts, [filters], (r) => [r.created_at, r.id], format);
    },
  );

  app.get(
    '/conflicts/:id',
    schema.byId('One conflict: base, hub and site values side by side', conflictSchema),
    async (req) => format(await org.one(req, getConflictView, 'No such conflict.')),
  );

  app.post(
    '/conflicts/:id/resolve',
    schema.route(
      'Resolve a conflict: one strategy, a side per field, or merged values; the result lands in the hub and on the site',
      {
        params: idParams,
        body: z
          .object({
            strategy: z.enum(['hub_wins', 'remote_wins']).optional(),
            choices: z.partialRecord(fieldName, z.enum(['hub', 'remote', 'base'])).optional(),
            values: z.partialRecord(fieldName, z.unknown()).optional(),
          })
          .refine((b) => b.strategy || b.choices || b.values, { message: 'Give a strategy, choices or values.' }),
        response: { 200: conflictSchema, 409: errorSchema },
      },
    ),
    async (req) => {
      const rename = (o: Record<string, unknown> | undefined) =>
        o ? Object.fromEntries(Object.entries(o).map(([k, v]) => [FROM_API[k] ?? k, v])) : undefined;
      const r: Resolution = {
        strategy: req.body.strategy,
        choices: rename(req.body.choices),
        values: rename(req.body.values),
      };
      const row = await org.tx(req, async (c, orgId, audit) => {
        await resolveConflict(c, orgId, req.params.id, r);
        await audit(
          'conflict.resolve',
          { type: 'conflict', id: req.params.id },
          {
            strategy: req.body.strategy ?? null,
            fields: Object.keys({ ...req.body.choices, ...req.body.values }),
          },
        );
        return getConflictView(c, orgId, req.params.id);
      });
      return format(row!);
    },
  );
});
