/**
 * Shopify GraphQL Admin objects ⇄ the unified content fields (docs/platforms/shopify-graphql.md).
 * - post → Article: `title`, `body`, `summary` (excerpt), `handle` (slug), `isPublished` ↔
 *   status, `tags`, `author { name }`, `image { url }` (featured). Articles have no categories.
 * - page → Page: title, body, handle, isPublished (no excerpt, tags, image or author).
 * - product → Product: title, `descriptionHtml`, handle, `status` ACTIVE/DRAFT (ARCHIVED reads
 *   as trashed), tags, and `productType` as its one category.
 * Remote ids are Shopify global ids (`../gid.ts`).
 */
import { createHash } from 'node:crypto';
import type { ContentContext, ContentFields, ContentKind, RemoteContent } from '../../contracts/content.ts';

export type ShopResource = 'article' | 'page' | 'product';

export const RESOURCE: Partial<Record<ContentKind, ShopResource>> = {
  post: 'article',
  page: 'page',
  product: 'product',
};

export type Raw = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The CDN URL of an image without its `?v=` cache buster: the same file keeps the same id. */
export function imageId(src: string): string {
  const q = src.indexOf('?');
  return q < 0 ? src : src.slice(0, q);
}

/** The mutation input for the fields given (a partial update writes only those); the image is added by the caller. */
export function toInput(resource: ShopResource, f: Partial<ContentFields>, creating: boolean): Raw {
  const out: Raw = {};
  if (f.title !== undefined) out.title = f.title;
  if (f.bodyHtml !== undefined) out[resource === 'product' ? 'descriptionHtml' : 'body'] = f.bodyHtml;
  if (f.slug !== undefined && f.slug !== '') out.handle = f.slug;
  if (resource === 'article' && f.excerpt !== undefined) out.summary = f.excerpt;
  if (resource !== 'page' && f.tags !== undefined) out.tags = f.tags;
  // An article needs an author on create.
  if (resource === 'article' && (f.author || creating)) out.author = { name: f.author || 'Plexus' };
  if (resource === 'product' && f.categories !== undefined) out.productType = f.categories[0] ?? '';
  if (f.status !== undefined) {
    if (resource === 'product') out.status = f.status === 'published' ? 'ACTIVE' : 'DRAFT';
    else out.isPublished = f.status === 'published';
  }
  return out;
}

/**
 * `updatedAt` has second precision, so two changes in one second would share it. The version
 * adds a digest of the synced fields: an edit to any of them changes the version even then.
 */
function versionOf(raw: Raw): string {
  const image = raw.image && typeof raw.image === 'object' ? imageId(str((raw.image as Raw).url)) : '';
  const author = raw.author && typeof raw.author === 'object' ? str((raw.author as Raw).name) : '';
  const synced = [
    raw.title,
    raw.body,
    raw.descriptionHtml,
    raw.summary,
    raw.handle,
    raw.tags,
    author,
    raw.isPublished,
    raw.status,
    raw.productType,
    image,
  ];
  return `${str(raw.updatedAt)}#${createHash('sha256').update(JSON.stringify(synced)).digest('base64url').slice(0, 12)}`;
}

async function featured(s: ContentContext, raw: Raw): Promise<string | null> {
  const img = raw.image as Raw | null | undefined;
  const src = img && typeof img === 'object' ? str(img.url) : '';
  if (!src) return null;
  const id = imageId(src);
  return (await s.mediaByRemoteId(id)) ?? `remote:${id}`;
}

export async function fromShopify(s: ContentContext, resource: ShopResource, raw: Raw): Promise<RemoteContent> {
  const published = resource === 'product' ? raw.status === 'ACTIVE' : raw.isPublished === true;
  const tags = Array.isArray(raw.tags) ? raw.tags.map(String) : [];
  const fields: ContentFields = {
    title: str(raw.title),
    bodyHtml: str(resource === 'product' ? raw.descriptionHtml : raw.body),
    excerpt: resource === 'article' ? str(raw.summary) : '',
    slug: str(raw.handle),
    status: published ? 'published' : 'draft',
    categories: resource === 'product' && str(raw.productType) ? [str(raw.productType)] : [],
    tags: resource === 'page' ? [] : tags,
    featuredMedia: resource === 'article' ? await featured(s, raw) : null,
    author: resource === 'article' ? str((raw.author as Raw | null | undefined)?.name) || null : null,
  };
  return {
    remoteId: String(raw.id),
    version: versionOf(raw),
    modifiedAt: new Date(str(raw.updatedAt)).toISOString(),
    fields,
    ...(resource === 'product' && raw.status === 'ARCHIVED' ? { trashed: true } : {}),
    raw,
  };
}
