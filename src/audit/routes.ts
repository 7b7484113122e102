import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../api/deps.ts';
import { decodeCursor, page, pageQuery, pageSchema } from '../api/pagination.ts';
import { orgOf } from '../api/plugins/auth.ts';
import { authErrors } from '../api/schemas.ts';
import { withOrgTx } from '../db/tx.ts';

interface AuditRow {
  id: string;
  at: Date;
  actor_type: string;
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  details: Record<string, unknown>;
  request_id: string | null;
}

const auditSchema = z.object({
  id: z.string(),
  at: z.date(),
  actor: z.object({ type: z.enum(['api_key', 'end_user', 'portal_user', 'admin', 'system']), id: z.string().nullable(), label: z.string().nullable() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
  details: z.record(z.string(), z.unknown()),
  request_id: z.string().nullable(),
});

const format = (r: AuditRow): z.infer<typeof auditSchema> => ({
  id: r.id,
  at: r.at,
  actor: { type: r.actor_type as z.infer<typeof auditSchema>['actor']['type'], id: r.actor_id, label: r.actor_label },
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
          actor_type: z.enum(['api_key', 'end_user', 'portal_user', 'admin', 'system']).optional(),
          actor_id: z.string().max(200).optional(),
          action: z.string().max(100).optional().describe('an action (`publish.create`) or a family ending in a dot (`connection.`)'),
          target_type: z.string().max(100).optional(),
          target_id: z.string().max(200).optional(),
          since: z.coerce.date().optional(),
          until: z.coerce.date().optional(),
        }),
        response: { 200: pageSchema(auditSchema), ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const q = req.query;
      const cur = decodeCursor(q.cursor);
      const family = q.action?.endsWith('.') ? `${q.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
      const rows = await withOrgTx(deps.db.app, orgId, async (c) =>
        (
          await c.query<AuditRow>(
            `select id, at, actor_type, actor_id, actor_label, action, target_type, target_id, details, request_id from audit_log
             where org_id = $1 and ($2::timestamptz is null or (at, id) < ($2, $3::uuid))
               and ($4::text is null or actor_type = $4) and ($5::text is null or actor_id = $5)
               and ($6::text is null or action = $6) and ($7::text is null or action like $7)
               and ($8::text is null or target_type = $8) and ($9::text is null or target_id = $9)
               and ($10::timestamptz is null or at >= $10) and ($11::timestamptz is null or at < $11)
             order by at desc, id desc limit $12`,
            [orgId, cur?.at ?? null, cur?.id ?? null, q.actor_type ?? null, q.actor_id ?? null, family ? null : (q.action ?? null), family,
              q.target_type ?? null, q.target_id ?? null, q.since ?? null, q.until ?? null, q.limit + 1],
          )
        ).rows,
      );
      const p = page(rows, q.limit, (r) => [r.at, r.id]);
      return { data: p.data.map(format), next_cursor: p.next_cursor };
    },
  );
};
