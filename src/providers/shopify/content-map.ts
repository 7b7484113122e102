/**
 * Shopify REST resources ⇄ the unified content fields (cms.md §4.2).
 * - post → article: `title`, `body_html`, `summary_html` (excerpt), `handle` (slug),
 *   `published` ↔ status, `tags` (one comma-separated string), `author`, `image` (featured).
 *   Articles have no categories: categories are not written and read back empty.
 * - page → page: title, body, handle, published, author (no excerpt, tags or image).
 * - product → product: title, `body_html` (the description), handle, `status` active/draft
 *   (archived reads as trashed), tags, and `product_type` as its one category.
 */
import { createHash } from 'node:crypto';
import type { ContentContext, ContentFields, ContentKind, RemoteContent } from '../../sync/content/types.ts';

export type ShopResource = 'article' | 'page' | 'product';

export const RESOURCE: Partial<Record<ContentKind, ShopResource>> = { post: 'article', page: 'page', product: 'product' };

export type Raw = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function splitTags(tags: unknown): string[] {
  return str(tags)
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

/** The CDN URL of an image without its `?v=` cache buster: the same file keeps the same id. */
export function imageId(src: string): string {
  const q = src.indexOf('?');
  return q < 0 ? src : src.slice(0, q);
}

/** The REST body for the fields given (a partial update writes only those); the image is added by the caller. */
export function toPayload(resource: ShopResource, f: Partial<ContentFields>): Raw {
  const out: Raw = {};
  if (f.title !== undefined) out.title = f.title;
  if (f.bodyHtml !== undefined) out.body_html = f.bodyHtml;
  if (f.slug !== undefined && f.slug !== '') out.handle = f.slug;
  if (resource === 'article' && f.excerpt !== undefined) out.summary_html = f.excerpt;
  if (resource !== 'page' && f.tags !== undefined) out.tags = f.tags.join(', ');
  if (resource !== 'product' && f.author) out.author = f.author;
  if (resource === 'product' && f.categories !== undefined) out.product_type = f.categories[0] ?? '';
  if (f.status !== undefined) {
    if (resource === 'product') out.status = f.status === 'published' ? 'active' : 'draft';
    else out.published = f.status === 'published';
  }
  return out;
}

/**
 * `updated_at` has second precision, so two changes in one second would share it. The version
 * adds a digest of the synced fields: an edit to any of them changes the version even then.
 */
function versionOf(raw: Raw): string {
  const image = raw.image && typeof raw.image === 'object' ? imageId(str((raw.image as Raw).src)) : '';
  const synced = [raw.title, raw.body_html, raw.summary_html, raw.handle, raw.tags, raw.author, raw.published_at, raw.status, raw.product_type, image];
  return `${str(raw.updated_at)}#${createHash('sha256').update(JSON.stringify(synced)).digest('base64url').slice(0, 12)}`;
}

async function featured(s: ContentContext, raw: Raw): Promise<string | null> {
  const img = raw.image as Raw | null | undefined;
  const src = img && typeof img === 'object' ? str(img.src) : '';
  if (!src) return null;
  const id = imageId(src);
  return (await s.mediaByRemoteId(id)) ?? `remote:${id}`;
}

export async function fromShopify(s: ContentContext, resource: ShopResource, raw: Raw): Promise<RemoteContent> {
  const published = resource === 'product' ? raw.status === 'active' : raw.published_at !== null && raw.published_at !== undefined;
  const fields: ContentFields = {
    title: str(raw.title),
    bodyHtml: str(raw.body_html),
    excerpt: resource === 'article' ? str(raw.summary_html) : '',
    slug: str(raw.handle),
    status: published ? 'published' : 'draft',
    categories: resource === 'product' && str(raw.product_type) ? [str(raw.product_type)] : [],
    tags: resource === 'page' ? [] : splitTags(raw.tags),
    featuredMedia: resource === 'article' ? await featured(s, raw) : null,
    author: resource === 'product' ? null : str(raw.author) || null,
  };
  return {
    remoteId: String(raw.id),
    version: versionOf(raw),
    modifiedAt: new Date(str(raw.updated_at)).toISOString(),
    fields,
    ...(resource === 'product' && raw.status === 'archived' ? { trashed: true } : {}),
    raw,
  };
}
