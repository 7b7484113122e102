/** Articles read from the site get category titles and image values; unified fields get ids. */
import type { ContentContext, ContentFields, RemoteContent } from '../../contracts/content.ts';
import { toBody, toRemote, type ArticleJson } from './mapping.ts';
import { categoryTitle, defaultCategory, idFor, tagIds } from './taxonomy.ts';

const REMOTE = 'remote:';

/** The article's image (`image_intro`) as a hash Plexus knows, or `remote:<path>`. */
async function featuredValue(s: ContentContext, a: ArticleJson): Promise<string | null> {
  const path = a.attributes.images?.['image_intro'] ?? '';
  if (!path) return null;
  return (await s.mediaByRemoteId(path)) ?? `${REMOTE}${path}`;
}

export async function remotesOf(s: ContentContext, articles: readonly ArticleJson[]): Promise<RemoteContent[]> {
  const out: RemoteContent[] = [];
  for (const a of articles)
    out.push(
      toRemote(a, {
        category: await categoryTitle(s, a.attributes.category),
        featuredMedia: await featuredValue(s, a),
      }),
    );
  return out;
}

/**
 * Joomla core has no upload in its content API, so an image is written only as a path the site
 * already has: `remote:<path>`, or a hash Plexus has seen on this site before. Any other image is
 * left as it is.
 */
async function imagePath(s: ContentContext, value: string | null): Promise<string | null | undefined> {
  if (value === null || value === '') return null;
  if (value.startsWith(REMOTE)) return value.slice(REMOTE.length);
  return (await s.mediaRemoteId(value)) ?? undefined;
}

export async function prepareWrite(
  s: ContentContext,
  changes: Partial<ContentFields>,
  creating: boolean,
): Promise<Record<string, unknown>> {
  const ids: { catid?: number; tags?: number[]; image?: string | null } = {};
  // One category per article: the first name; none given keeps the current one (or the default for a new article).
  const first = changes.categories?.find((c) => c.trim());
  const catid = first ? await idFor(s, 'categories', first) : creating ? await defaultCategory(s) : undefined;
  if (catid !== undefined) ids.catid = catid;
  if (changes.tags !== undefined) ids.tags = await tagIds(s, changes.tags);
  if (changes.featuredMedia !== undefined) {
    const image = await imagePath(s, changes.featuredMedia);
    if (image !== undefined) ids.image = image;
  }
  return toBody(changes, ids);
}
