import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../api/deps.ts';
import { pageQuery, pageSchema } from '../api/pagination.ts';
import { plexusError } from '../core/errors.ts';
import { orgOf } from '../api/plugins/auth.ts';
import { authErrors } from '../api/schemas.ts';
import { auditAction, auditActorType, auditTargetType, freeFormObject, timeQuery } from '../api/openapi/components.ts';
import { withOrgTx } from '../db/tx.ts';
import { listAuditEntries, type AuditRow } from './store.ts';

const auditSchema = z
  .object({
    id: z.string(),
    at: z.date(),
    actor: z.object({
      type: auditActorType,
      id: z.string().nullable(),
      label: z.string().nullable().describe("an API key's visible prefix"),
    }),
    action: auditAction,
    target: z.object({ type: auditTargetType, id: z.string().nullable() }).nullable(),
    details: freeFormObject.describe('what changed: names of fields, counts, ids; never a secret or a payload'),
    request_id: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry', description: 'Who did what, when, to what.' });

// The trail pages by insertion order (seq), which time cannot tie.
const encodeCursor = (seq: string) => Buffer.from(JSON.stringify({ seq })).toString('base64url');
function decodeCursor(cursor: string | undefined): string | null {
  if (!cursor) return null;
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { seq?: unknown };
    if (typeof c.seq === 'string' && /^\d{1,19}$/.test(c.seq)) return c.seq;
  } catch {
    // fall through
  }
  throw plexusError('validation_failed', {
    message: 'Invalid cursor.',
    details: [{ path: 'cursor', in: 'querystring', message: 'not a cursor from this API' }],
  });
}

const format = (r: AuditRow): z.infer<typeof auditSchema> => ({
  id: r.id,
  at: r.at,
  actor: { type: r.actor_type, id: r.actor_id, label: r.actor_label },
  action: r.action,
  target: r.target_type ? { type: r.target_type, id: r.target_id } : null,
  details: r.details,
  request_id: r.request_id,
});

export const auditRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'The audit trail: who did what, newest first',
        querystring: pageQuery.extend({
          actor_type: auditActorType.optional(),
          actor_id: z.string().max(200).optional(),
          action: z
            .string()
            .max(100)
            .optional()
            .describe('an action (`publish.create`) or a family ending in a dot (`connection.`)'),
          target_type: auditTargetType.optional(),
          target_id: z.string().max(200).optional(),
          since: timeQuery.optional(),
          until: timeQuery.optional(),
        }),
        response: { 200: pageSchema(auditSchema), ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const q = req.query;
      const after = decodeCursor(q.cursor);
      const family = q.action?.endsWith('.') ? `${q.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
      const filters = {
        actorType: q.actor_type,
        actorId: q.actor_id,
        action: family ? undefined : q.action,
        actionLike: family ?? undefined,
        targetType: q.target_type,
        targetId: q.target_id,
        since: q.since,
        until: q.until,
      };
      const rows = await withOrgTx(deps.db.app, orgId, (c) => listAuditEntries(c, orgId, filters, after, q.limit + 1));
      const data = rows.slice(0, q.limit);
      const more = rows.length > q.limit;
      return { data: data.map(format), next_cursor: more ? encodeCursor(data[data.length - 1]!.position) : null };
    },
  );
};
