import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import type { PoolClient } from '../../../db/pool.ts';
import { enqueueMany } from '../../../db/queue.ts';
import { listItems, updateItem, upsertItem } from '../../../sync/content/items-store.ts';
import { mediaExists, storeMedia } from '../../../sync/content/media-store.ts';
import { getItem } from '../../../sync/content/store.ts';
import { listItemTargets, syncableTargets } from '../../../sync/content/targets.ts';
import { found } from '../../found.ts';
import { orgRoutePlugin } from '../../org-routes.ts';
import { errorSchema, idParams } from '../../schemas.ts';
import { formatItem, itemSchema, POLICIES } from './content-format.ts';

const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

const mediaInput = z.object({
  data_base64: z
    .string()
    .min(1)
    .max(Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 4),
  filename: z.string().min(1).max(200),
  content_type: z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp']),
  alt: z.string().max(500).optional(),
});

const fieldsInput = {
  title: z.string().max(1000),
  body_html: z.string().max(2_000_000),
  excerpt: z.string().max(10_000),
  slug: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case letters, digits and single hyphens')
    .max(200),
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
const patchBody = z
  .object(fieldsInput)
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'Nothing to change.' });

const slugify = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 190) || 'item';

/** An uploaded image, checked for size, stored once per org; returns the hash items refer to it by. */
async function uploadMedia(c: PoolClient, orgId: string, m: z.infer<typeof mediaInput>): Promise<string> {
  const bytes = Buffer.from(m.data_base64, 'base64');
  if (!bytes.length || bytes.length > MAX_IMAGE_BYTES)
    throw plexusError('validation_failed', {
      message: 'The image must be 1 byte to 10 MB of base64 data.',
      details: [{ path: 'featured_media.data_base64', message: 'size' }],
    });
  return storeMedia(c, orgId, { bytes, filename: m.filename, contentType: m.content_type, alt: m.alt });
}

async function mediaRef(
  c: PoolClient,
  orgId: string,
  v: z.infer<typeof fieldsInput.featured_media>,
): Promise<string | null> {
  if (v === null) return null;
  if ('sha256' in v) {
    if (!(await mediaExists(c, orgId, v.sha256)))
      throw plexusError('validation_failed', {
        message: 'No image with that sha256 was uploaded.',
        details: [{ path: 'featured_media.sha256', message: 'unknown' }],
      });
    return v.sha256;
  }
  return uploadMedia(c, orgId, v);
}

const noSuchItem = 'No such content item.';

/** Content items: the hub's version of each post, page or product, with its state on every site. */
export const contentRoutes = orgRoutePlugin('content', async (app, { org, schema }) => {
  app.post(
    '/content',
    schema.route('Create a content item (or update the one with the same external_id)', {
      body: createBody,
      response: { 200: itemSchema, 201: itemSchema },
    }),
    async (req, reply) => {
      const b = req.body;
      const { row, created } = await org.tx(req, async (c, orgId) => {
        const media = await mediaRef(c, orgId, b.featured_media);
        const r = await upsertItem(c, orgId, {
          external_id: b.external_id ?? null,
          kind: b.kind,
          title: b.title,
          body_html: b.body_html,
          excerpt: b.excerpt,
          slug: b.slug ?? slugify(b.title),
          status: b.status,
          categories: b.categories,
          tags: b.tags,
          featured_media: media,
          author: b.author,
          conflict_policy: b.conflict_policy,
        });
        if (!r.inserted) await queueItemSync(c, orgId, r.id);
        return { row: r, created: r.inserted };
      });
      return reply.status(created ? 201 : 200).send(formatItem(row));
    },
  );

  app.get(
    '/content',
    schema.list('Content items, newest first', itemSchema, {
      kind: z.enum(['post', 'page', 'product', 'item']).optional(),
      state: z.enum(['pending', 'synced', 'conflict', 'remote_deleted', 'rolled_back', 'failed']).optional(),
    }),
    async (req) => {
      const filters = { kind: req.query.kind, targetState: req.query.state };
      return org.listPage(req, listItems, [filters], (r) => [r.created_at, r.id], formatItem);
    },
  );

  app.get('/content/:id', schema.byId('One content item with its state on each site', itemSchema), async (req) =>
    org.tx(req, async (c, orgId) => {
      const item = found(await getItem(c, orgId, req.params.id), noSuchItem);
      return formatItem(item, await listItemTargets(c, orgId, item.id));
    }),
  );

  app.patch(
    '/content/:id',
    schema.route('Edit a content item in the hub; sites it is published to are brought in step', {
      params: idParams,
      body: patchBody,
      response: { 200: itemSchema },
    }),
    async (req) =>
      org.tx(req, async (c, orgId) => {
        const { featured_media, ...fields } = req.body;
        const change = {
          ...fields,
          ...(featured_media !== undefined ? { featured_media: await mediaRef(c, orgId, featured_media) } : {}),
        };
        const item = found(await updateItem(c, orgId, req.params.id, change), noSuchItem);
        await queueItemSync(c, orgId, item.id);
        return formatItem(item, await listItemTargets(c, orgId, item.id));
      }),
  );

  app.post(
    '/content/media',
    {
      ...schema.route('Upload an image once; items refer to it by its sha256', {
        body: mediaInput,
        response: { 201: z.object({ sha256: z.string() }), 413: errorSchema },
      }),
      bodyLimit: 16 * 1024 * 1024,
    },
    async (req, reply) => {
      const sha256 = await org.tx(req, (c, orgId) => uploadMedia(c, orgId, req.body));
      return reply.status(201).send({ sha256 });
    },
  );
});

/** After a hub edit: each site the item is on gets it in step, one job per connection. */
async function queueItemSync(c: PoolClient, orgId: string, itemId: string): Promise<void> {
  const targets = await syncableTargets(c, orgId, itemId);
  await enqueueMany(
    c,
    targets.map((r) => ({
      task: 'sync_content',
      payload: { org_id: orgId, connection_id: r.connection_id, target_ids: [r.id] },
    })),
  );
}
