/**
 * Both directions of the id ⇄ name work around one post: posts read from the site get term
 * names and image hashes; unified fields about to be written get term and attachment ids.
 */
import type { ContentContext, ContentFields, ContentKind, RemoteContent } from '../../contracts/content.ts';
import { featuredMediaId, featuredMediaValue } from './media.ts';
import { hasTaxonomy, toBody, toRemote, type WpPostJson } from './mapping.ts';
import { termIds, termNames } from './terms.ts';

/** Posts as unified items; term names for the whole list are fetched together. */
export async function remotesOf(s: ContentContext, posts: readonly WpPostJson[]): Promise<RemoteContent[]> {
  await termNames(
    s,
    'categories',
    posts.flatMap((p) => p.categories ?? []),
  );
  await termNames(
    s,
    'tags',
    posts.flatMap((p) => p.tags ?? []),
  );
  const out: RemoteContent[] = [];
  for (const p of posts) {
    out.push(
      toRemote(p, {
        categories: await termNames(s, 'categories', p.categories ?? []),
        tags: await termNames(s, 'tags', p.tags ?? []),
        featuredMedia: await featuredMediaValue(s, p.featured_media),
      }),
    );
  }
  return out;
}

export async function remoteOf(s: ContentContext, post: WpPostJson): Promise<RemoteContent> {
  return (await remotesOf(s, [post]))[0]!;
}

/** A write body, plus the attachment id asked for (to check the site kept it). */
export interface PreparedWrite {
  body: Record<string, unknown>;
  featured?: { value: string | null; id: number };
}

export async function prepareWrite(
  s: ContentContext,
  kind: ContentKind,
  changes: Partial<ContentFields>,
): Promise<PreparedWrite> {
  const ids: { categories?: number[]; tags?: number[]; featuredMedia?: number } = {};
  // Core pages have no categories or tags; the names are kept only where the site can hold them.
  if (hasTaxonomy(kind) && changes.categories !== undefined)
    ids.categories = await termIds(s, 'categories', changes.categories);
  if (hasTaxonomy(kind) && changes.tags !== undefined) ids.tags = await termIds(s, 'tags', changes.tags);
  let featured: PreparedWrite['featured'];
  if (changes.featuredMedia !== undefined) {
    ids.featuredMedia = await featuredMediaId(s, changes.featuredMedia);
    featured = { value: changes.featuredMedia, id: ids.featuredMedia };
  }
  return { body: toBody(kind, changes, ids), ...(featured ? { featured } : {}) };
}

/**
 * WordPress 6.1 ignores a featured_media id that is no longer an image attachment (the error of
 * `handle_featured_media` is dropped), so a remembered upload deleted on the site shows up only as
 * `featured_media: 0` in the answer. Then the image is uploaded again and set once more.
 */
export function lostFeaturedImage(prepared: PreparedWrite, post: WpPostJson): boolean {
  const f = prepared.featured;
  return !!f && f.id > 0 && f.value !== null && !f.value.startsWith('remote:') && (post.featured_media ?? 0) !== f.id;
}

export async function reuploadFeatured(s: ContentContext, prepared: PreparedWrite): Promise<number> {
  return featuredMediaId(s, prepared.featured?.value ?? null, true);
}
