/**
 * Shopify content through the Admin REST API: blog articles (in the shop's first blog, or the
 * `blogId` in the connection config), pages and products. Shopify has no conditional write
 * (cms.md §4.3), so an update reads the item right before writing and refuses when its version
 * moved; the window between that read and the PUT stays open. There is no REST bulk create,
 * so items are created one call at a time, paced by the shop's leaky bucket.
 */
import { plexusError } from '../../core/errors.ts';
import type { ChangesPage, ContentAdapter, ContentContext, ContentFields, ContentKind, RemoteContent, TargetLocation } from '../../sync/content/types.ts';
import { apiUrl } from '../kit/api-call.ts';
import { missingAsNull, unlessMissing } from '../kit/content-call.ts';
import { decodeCursor, encodeCursor } from '../kit/cursor-codec.ts';
import { unmoved } from '../kit/version-guard.ts';
import { fromShopify, imageId, RESOURCE, toPayload, type Raw, type ShopResource } from './content-map.ts';
import { shopifyCall } from './rest-call.ts';

const PAGE_SIZE = 250;

function resourceOf(kind: ContentKind): ShopResource {
  const r = RESOURCE[kind];
  if (!r) throw plexusError('unprocessable', { message: `Shopify takes posts, pages and products, not ${kind}s.` });
  return r;
}

/** The collection path of a kind: articles live under their blog. */
function basePath(loc: TargetLocation): string {
  const r = resourceOf(loc.kind);
  if (r !== 'article') return `/${r}s`;
  if (!loc.collection) throw plexusError('unprocessable', { message: 'A Shopify post needs the blog it belongs to.' });
  return `/blogs/${loc.collection}/articles`;
}

const call = (s: ContentContext, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, json?: unknown) =>
  shopifyCall(s, { method, url: apiUrl(s.ctx, path), ...(json === undefined ? {} : { json }) });

async function readOne(s: ContentContext, loc: TargetLocation, id: string): Promise<RemoteContent | null> {
  const r = resourceOf(loc.kind);
  const res = await missingAsNull(call(s, 'GET', `${basePath(loc)}/${id}.json`));
  return res ? fromShopify(s, r, (res.body as Record<string, Raw>)[r]!) : null;
}

/**
 * The article `image` for a featured image: the bytes (base64) the first time a site gets them,
 * then the URL Shopify gave that upload, which it takes instead of bytes.
 */
async function imageInput(s: ContentContext, featured: string | null): Promise<{ image: Raw | null; uploading?: string }> {
  if (featured === null) return { image: null };
  if (featured.startsWith('remote:')) return { image: { src: featured.slice('remote:'.length) } };
  const known = await s.mediaRemoteId(featured);
  if (known) return { image: { src: known } };
  const media = await s.media(featured);
  if (!media) throw plexusError('unprocessable', { message: `The featured image ${featured.slice(0, 12)}… is not held by Plexus.` });
  return { image: { attachment: media.bytes.toString('base64'), filename: media.ref.filename, ...(media.ref.alt ? { alt: media.ref.alt } : {}) }, uploading: featured };
}

async function write(s: ContentContext, loc: TargetLocation, fields: Partial<ContentFields>, id?: string): Promise<RemoteContent> {
  const r = resourceOf(loc.kind);
  const body = toPayload(r, fields);
  let uploading: string | undefined;
  if (r === 'article' && fields.featuredMedia !== undefined && (id !== undefined || fields.featuredMedia !== null)) {
    const img = await imageInput(s, fields.featuredMedia);
    body.image = img.image;
    uploading = img.uploading;
  }
  const res = id === undefined ? await call(s, 'POST', `${basePath(loc)}.json`, { [r]: body }) : await call(s, 'PUT', `${basePath(loc)}/${id}.json`, { [r]: { id: Number(id), ...body } });
  const raw = (res.body as Record<string, Raw>)[r]!;
  const src = (raw.image as Raw | null | undefined)?.src;
  if (uploading && typeof src === 'string') await s.rememberMedia(uploading, imageId(src), src);
  return fromShopify(s, r, raw);
}

interface Cursor {
  /** Shopify's `page_info` for the next page. */
  pi: string;
  /** Newest modified time seen on the pages before. */
  wm: string | null;
}

function nextPageInfo(link: string | undefined): string | null {
  for (const part of (link ?? '').split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (m) return new URL(m[1]!).searchParams.get('page_info');
  }
  return null;
}

export const shopifyContent: ContentAdapter = {
  kinds: ['post', 'page', 'product'],
  // Articles have no categories. Pages also lack excerpt, tags and image, products excerpt,
  // image and author: those read back empty (one list per adapter cannot say it per kind).
  // Articles carry the most; pages have no summary, tags or image; products no summary, image or author (cms.md §4.2).
  fields: (kind) =>
    kind === 'page'
      ? ['title', 'bodyHtml', 'slug', 'status', 'author']
      : kind === 'product'
        ? ['title', 'bodyHtml', 'slug', 'status', 'categories', 'tags']
        : ['title', 'bodyHtml', 'excerpt', 'slug', 'status', 'tags', 'featuredMedia', 'author'],

  async locate(s, kind) {
    if (resourceOf(kind) !== 'article') return { kind, collection: null };
    if (s.ctx.config.blogId) return { kind, collection: s.ctx.config.blogId };
    const res = await call(s, 'GET', '/blogs.json?limit=1&fields=id');
    const first = (res.body as { blogs?: { id: number | string }[] }).blogs?.[0];
    if (first) return { kind, collection: String(first.id) };
    // A shop without a blog gets the one Shopify itself starts shops with.
    const made = await call(s, 'POST', '/blogs.json', { blog: { title: 'News' } });
    return { kind, collection: String((made.body as { blog: { id: number | string } }).blog.id) };
  },

  create: (s, loc, fields) => write(s, loc, fields),

  read: readOne,

  async update(s, loc, remoteId, changes, expectedVersion) {
    unmoved(await readOne(s, loc, remoteId), (c) => c.version, remoteId, expectedVersion);
    return write(s, loc, changes, remoteId);
  },

  async remove(s, loc, remoteId) {
    await unlessMissing(call(s, 'DELETE', `${basePath(loc)}/${remoteId}.json`));
  },

  async findBySlug(s, loc, slug) {
    const res = await call(s, 'GET', `${basePath(loc)}.json?${new URLSearchParams({ handle: slug, limit: '1' })}`);
    const r = resourceOf(loc.kind);
    const raw = (res.body as Record<string, Raw[]>)[`${r}s`]?.[0];
    return raw && raw.handle === slug ? fromShopify(s, r, raw) : null;
  },

  // `updated_at_min` is inclusive and `updated_at` has seconds: ask from the next second.
  async changedSince(s, loc, since, cursor): Promise<ChangesPage> {
    const r = resourceOf(loc.kind);
    const c = cursor ? decodeCursor<Cursor>(cursor) : null;
    const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (c) q.set('page_info', c.pi);
    else if (since) q.set('updated_at_min', new Date(Date.parse(since) + 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    const res = await call(s, 'GET', `${basePath(loc)}.json?${q}`);
    const items: RemoteContent[] = [];
    let wm = c ? c.wm : since;
    for (const raw of (res.body as Record<string, Raw[]>)[`${r}s`] ?? []) {
      const item = await fromShopify(s, r, raw);
      if (since && Date.parse(item.modifiedAt) <= Date.parse(since)) continue;
      items.push(item);
      if (!wm || Date.parse(item.modifiedAt) > Date.parse(wm)) wm = item.modifiedAt;
    }
    const pi = nextPageInfo(res.headers['link']);
    return { items, next: pi ? encodeCursor<Cursor>({ pi, wm }) : null, watermark: wm };
  },
};
