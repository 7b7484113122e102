import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { withOrgTx } from '../../../db/tx.ts';
import type { AppDeps } from '../../deps.ts';
import { orgOf } from '../../plugins/auth.ts';
import { decodeCursor, page, pageQuery, pageSchema } from '../../pagination.ts';
import { authErrors } from '../../schemas.ts';
import { syncRunStatus } from '../../openapi/components.ts';
import { runSchema } from './syncs.ts';

const orgRunSchema = runSchema.extend({ connection_id: z.string(), provider: z.string().nullable() });
interface OrgRunRow extends Omit<z.infer<typeof orgRunSchema>, 'started_at'> {
  started_at: Date;
}

export const syncRunRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get(
    '/sync-runs',
    {
      schema: {
        tags: ['sync'],
        summary:
          'Sync runs of every connection of the organisation, newest first, with progress; `status=running` lists what runs now',
        querystring: pageQuery.extend({
          status: syncRunStatus.optional(),
          kind: z.enum(['ads', 'content']).optional(),
          connection_id: z.string().uuid().optional(),
        }),
        response: { 200: pageSchema(orgRunSchema), ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const q = req.query;
      const cur = decodeCursor(q.cursor);
      const rows = await withOrgTx(
        deps.db.app,
        orgId,
        async (c) =>
          (
            await c.query<OrgRunRow>(
              `select r.id, r.connection_id, c.provider, r.kind, r.job_id::float8 as job_id, r.reason, r.status, r.pages, r.records, r.rate_limit_waits,
                    r.items_read, r.items_merged, r.conflicts, r.items_written, r.error, r.started_at, r.finished_at
             from sync_runs r left join connections c on c.org_id = r.org_id and c.id = r.connection_id
             where r.org_id = $1 and ($2::timestamptz is null or (r.started_at, r.id) < ($2, $3::uuid))
               and ($4::text is null or r.status = $4) and ($5::text is null or r.kind = $5) and ($6::uuid is null or r.connection_id = $6)
             order by r.started_at desc, r.id desc limit $7`,
              [
                orgId,
                cur?.at ?? null,
                cur?.id ?? null,
                q.status ?? null,
                q.kind ?? null,
                q.connection_id ?? null,
                q.limit + 1,
              ],
            )
          ).rows,
      );
      return page(rows, q.limit, (r) => [r.started_at, r.id]);
    },
  );
};
