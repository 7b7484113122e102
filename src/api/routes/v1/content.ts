import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import type { PoolClient } from '../../../db/pool.ts';
import { withOrgTx } from '../../../db/tx.ts';
import { enqueueMany, type JobSpec } from '../../../db/queue.ts';
import type { ItemRow } from '../../../sync/content/store.ts';
import type { AppDeps } from '../../deps.ts';
import { decodeCursor, page, pageQuery, pageSchema } from '../../pagination.ts';
import { orgOf } from '../../plugins/auth.ts';
import { authErrors, errorSchema, idParams } from '../../schemas.ts';
import { formatItem, itemSchema, POLICIES } from './content-format.ts';

const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

const mediaInput = z.object({
  data_base64: z.string().min(1).max(Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 4),
  filename: z.string().min(1).max(200),
  content_type: z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp']),
  alt: z.string().max(500).optional(),
});

const fieldsInput = {
  title: z.string().max(1000),
  body_html: z.string().max(2_000_000),
  excerpt: z.string().max(10_000),
  slug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case letters, digits and single hyphens').max(200),
  status: z.enum(['draft', 'published']),
  categories: z.array(z.string().min(1).max(200)).max(50),
  tags: z.array(z.string().min(1).max(200)).max(100),
  // A new image (base64), the sha256 of one already uploaded, or null for none.
  featured_media: z.union([mediaInput, z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }), z.null()]),
  author: z.string().max(200).nullable(),
  conflict_policy: z.enum(POLICIES).nullable(),
};

const createBody = z.object({
  external_id: z.string().min(1).max(200).optional(),
  kind: z.enum(['post', 'page', 'product', 'item']).default('post'),
  ...fieldsInput,
  slug: fieldsInput.slug.optional(),
  excerpt: fieldsInput.excerpt.default(''),
  status: fieldsInput.status.default('draft'),
  categories: fieldsInput.categories.default([]),
  tags: fieldsInput.tags.default([]),
  featured_media: fieldsInput.featured_media.default(null),
  author: fieldsInput.author.default(null),
  conflict_policy: fieldsInput.conflict_policy.default(null),
});
const patchBody = z.object(fieldsInput).partial().refine((b) => Object.keys(b).length > 0, { message: 'Nothing to change.' });

const slugify = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 190) || 'item';

/** Stores an image by its hash (once per org) and returns the hash the item refers to. */
export async function storeMedia(c: PoolClient, orgId: string, m: z.infer<typeof mediaInput>): Promise<string> {
  const bytes = Buffer.from(m.data_base64, 'base64');
  if (!bytes.length || bytes.length > MAX_IMAGE_BYTES) throw plexusError('validation_failed', { message: 'The image must be 1 byte to 10 MB of base64 data.', details: [{ path: 'featured_media.data_base64', message: 'size' }] });
  const sha = createHash('sha256').update(bytes).digest('hex');
  await c.query(
    `insert into content_media (org_id, sha256, filename, content_type, alt, bytes) values ($1, $2, $3, $4, $5, $6)
     on conflict (org_id, sha256) do update set alt = coalesce(excluded.alt, content_media.alt)`,
    [orgId, sha, m.filename, m.content_type, m.alt ?? null, bytes],
  );
  return sha;
}

async function mediaRef(c: PoolClient, orgId: string, v: z.infer<typeof fieldsInput.featured_media>): Promise<string | null> {
  if (v === null) return null;
  if ('sha256' in v) {
    const { rows } = await c.query('select 1 from content_media where org_id = $1 and sha256 = $2', [orgId, v.sha256]);
    if (!rows.length) throw plexusError('validation_failed', { message: 'No image with that sha256 was uploaded.', details: [{ path: 'featured_media.sha256', message: 'unknown' }] });
    return v.sha256;
  }
  return storeMedia(c, orgId, v);
}

async function targetsOf(c: PoolClient, orgId: string, itemId: string) {
  return (
    await c.query(
      `select t.connection_id, k.provider, t.remote_id, t.state, t.remote_version, t.remote_modified_at, t.last_synced_at, t.last_error
       from content_targets t join connections k on k.org_id = t.org_id and k.id = t.connection_id
       where t.org_id = $1 and t.item_id = $2 order by t.created_at`,
      [orgId, itemId],
    )
  ).rows;
}

/** Content items: the hub's version of each post, page or product, with its state on every site. */
export const contentRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.post(
    '/content',
    {
      schema: {
        tags: ['content'],
        summary: 'Create a content item (or update the one with the same external_id)',
        body: createBody,
        response: { 200: itemSchema, 201: itemSchema, ...authErrors },
      },
    },
    async (req, reply) => {
      const orgId = orgOf(req);
      const b = req.body;
      const { row, created } = await withOrgTx(deps.db.app, orgId, async (c) => {
        const media = await mediaRef(c, orgId, b.featured_media);
        const { rows } = await c.query<ItemRow & { created_at: Date; inserted: boolean }>(
          `insert into content_items (org_id, external_id, kind, title, body_html, excerpt, slug, status, categories, tags, featured_media, author, conflict_policy)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
           on conflict (org_id, external_id) do update set kind = excluded.kind, title = excluded.title, body_html = excluded.body_html,
             excerpt = excluded.excerpt, slug = excluded.slug, status = excluded.status, categories = excluded.categories, tags = excluded.tags,
             featured_media = excluded.featured_media, author = excluded.author, conflict_policy = excluded.conflict_policy,
             version = content_items.version + 1, updated_at = now()
           returning *, (xmax = 0) as inserted`,
          [orgId, b.external_id ?? null, b.kind, b.title, b.body_html, b.excerpt, b.slug ?? slugify(b.title), b.status, b.categories, b.tags, media, b.author, b.conflict_policy],
        );
        const r = rows[0]!;
        if (!r.inserted) await queueItemSync(c, orgId, r.id);
        return { row: r, created: r.inserted };
      });
      return reply.status(created ? 201 : 200).send(formatItem(row));
    },
  );

  app.get(
    '/content',
    {
      schema: {
        tags: ['content'],
        summary: 'Content items, newest first',
        querystring: pageQuery.extend({ kind: z.enum(['post', 'page', 'product', 'item']).optional(), state: z.enum(['pending', 'synced', 'conflict', 'remote_deleted', 'rolled_back', 'failed']).optional() }),
        response: { 200: pageSchema(itemSchema), ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const cur = decodeCursor(req.query.cursor);
      const rows = await withOrgTx(deps.db.app, orgId, async (c) =>
        (
          await c.query<ItemRow & { created_at: Date }>(
            `select * from content_items i where i.org_id = $1
               and ($2::text is null or i.kind = $2)
               and ($3::text is null or exists (select 1 from content_targets t where t.org_id = $1 and t.item_id = i.id and t.state = $3))
               and ($4::timestamptz is null or (i.created_at, i.id) < ($4, $5::uuid))
             order by i.created_at desc, i.id desc limit $6`,
            [orgId, req.query.kind ?? null, req.query.state ?? null, cur?.at ?? null, cur?.id ?? null, req.query.limit + 1],
          )
        ).rows,
      );
      const p = page(rows, req.query.limit, (r) => [r.created_at, r.id]);
      return { data: p.data.map((r) => formatItem(r)), next_cursor: p.next_cursor };
    },
  );

  app.get(
    '/content/:id',
    { schema: { tags: ['content'], summary: 'One content item with its state on each site', params: idParams, response: { 200: itemSchema, ...authErrors } } },
    async (req) => {
      const orgId = orgOf(req);
      return withOrgTx(deps.db.app, orgId, async (c) => {
        const { rows } = await c.query<ItemRow & { created_at: Date }>('select * from content_items where org_id = $1 and id = $2', [orgId, req.params.id]);
        if (!rows[0]) throw plexusError('not_found', { message: 'No such content item.' });
        return formatItem(rows[0], await targetsOf(c, orgId, rows[0].id));
      });
    },
  );

  app.patch(
    '/content/:id',
    {
      schema: {
        tags: ['content'],
        summary: 'Edit a content item in the hub; sites it is published to are brought in step',
        params: idParams,
        body: patchBody,
        response: { 200: itemSchema, ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const b = req.body;
      return withOrgTx(deps.db.app, orgId, async (c) => {
        const sets: string[] = [];
        const params: unknown[] = [orgId, req.params.id];
        const set = (col: string, v: unknown) => {
          params.push(v);
          sets.push(`${col} = $${params.length}`);
        };
        for (const k of ['title', 'body_html', 'excerpt', 'slug', 'status', 'categories', 'tags', 'author', 'conflict_policy'] as const) if (b[k] !== undefined) set(k, b[k]);
        if (b.featured_media !== undefined) set('featured_media', await mediaRef(c, orgId, b.featured_media));
        const { rows } = await c.query<ItemRow & { created_at: Date }>(
          `update content_items set ${sets.join(', ')}, version = version + 1, updated_at = now() where org_id = $1 and id = $2 returning *`,
          params,
        );
        if (!rows[0]) throw plexusError('not_found', { message: 'No such content item.' });
        await queueItemSync(c, orgId, rows[0].id);
        return formatItem(rows[0], await targetsOf(c, orgId, rows[0].id));
      });
    },
  );

  app.post(
    '/content/media',
    {
      schema: {
        tags: ['content'],
        summary: 'Upload an image once; items refer to it by its sha256',
        body: mediaInput,
        response: { 201: z.object({ sha256: z.string() }), 413: errorSchema, ...authErrors },
      },
      bodyLimit: 16 * 1024 * 1024,
    },
    async (req, reply) => {
      const orgId = orgOf(req);
      const sha256 = await withOrgTx(deps.db.app, orgId, (c) => storeMedia(c, orgId, req.body));
      return reply.status(201).send({ sha256 });
    },
  );
};

/** After a hub edit: each site the item is on gets it in step, one job per connection. */
async function queueItemSync(c: PoolClient, orgId: string, itemId: string): Promise<void> {
  const { rows } = await c.query<{ id: string; connection_id: string }>(
    "select id, connection_id from content_targets where org_id = $1 and item_id = $2 and remote_id is not null and state in ('synced', 'pending', 'conflict')",
    [orgId, itemId],
  );
  await enqueueMany(c, rows.map((r) => ({ task: 'sync_content', payload: { org_id: orgId, connection_id: r.connection_id, target_ids: [r.id] } }) as JobSpec));
}
