/**
 * A Joomla article (Web Services `articles` resource) ⇄ the unified content fields. Category
 * and tag ids are resolved by the callers; this module only shapes payloads.
 */
import { createHash } from 'node:crypto';
import type { ContentFields, RemoteContent } from '../../contracts/content.ts';

export interface ArticleJson {
  type: string;
  id: string;
  attributes: {
    id: number;
    title: string;
    alias: string;
    /** introtext + " " + fulltext, after content plugins. */
    text: string;
    state: number;
    category: number;
    /** id → title; `[]` when the article has none. */
    tags?: Record<string, string> | unknown[];
    metadesc?: string;
    images?: Record<string, string>;
    created_by?: number;
    modified: string;
    version: number;
  };
}

export const TRASHED = -2;

/** `modified` is a UTC database time, `YYYY-MM-DD HH:MM:SS`. */
export function modifiedAtOf(a: ArticleJson): string {
  return new Date(`${a.attributes.modified.replace(' ', 'T')}Z`).toISOString();
}

/** Tag ids and titles from the rendered `tags` attribute (an object, or an empty array). */
export function tagsOf(a: ArticleJson): { id: number; title: string }[] {
  const t = a.attributes.tags;
  if (!t || Array.isArray(t)) return [];
  return Object.entries(t).map(([id, title]) => ({ id: Number(id), title: String(title) }));
}

/** The body as written: the view always joins introtext and fulltext with a space, so an article without a fulltext ends in one. */
export function bodyOf(a: ArticleJson): string {
  return a.attributes.text.endsWith(' ') ? a.attributes.text.slice(0, -1) : a.attributes.text;
}

/**
 * `version` counts saves (ArticleModel::prepareTable increments it), `modified` has second
 * precision; a digest of the mapped values is added for saves made around the model.
 */
export function versionOf(a: ArticleJson): string {
  const at = a.attributes;
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        at.title,
        at.alias,
        at.text,
        at.state,
        at.category,
        tagsOf(a)
          .map((t) => t.id)
          .sort((x, y) => x - y),
        at.metadesc ?? '',
        at.images?.['image_intro'] ?? '',
        at.created_by ?? 0,
      ]),
    )
    .digest('hex')
    .slice(0, 12);
  return `${at.version}.${Math.floor(Date.parse(modifiedAtOf(a)) / 1000)}.${digest}`;
}

export function toRemote(
  a: ArticleJson,
  refs: { category: string | null; featuredMedia: string | null },
): RemoteContent {
  const at = a.attributes;
  return {
    remoteId: a.id,
    version: versionOf(a),
    modifiedAt: modifiedAtOf(a),
    fields: {
      title: at.title,
      bodyHtml: bodyOf(a),
      // Joomla has no excerpt apart from the intro text; the meta description is the summary kept beside it.
      excerpt: at.metadesc ?? '',
      slug: at.alias,
      // Unpublished and archived articles are not live.
      status: at.state === 1 ? 'published' : 'draft',
      categories: refs.category === null ? [] : [refs.category],
      tags: tagsOf(a).map((t) => t.title),
      featuredMedia: refs.featuredMedia,
      author: at.created_by ? String(at.created_by) : null,
    },
    ...(at.state === TRASHED ? { trashed: true } : {}),
    raw: a,
  };
}

/** Form fields for the given changes (category, tag and image values resolved by the caller). */
export function toBody(
  changes: Partial<ContentFields>,
  ids: { catid?: number; tags?: number[]; image?: string | null },
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (changes.title !== undefined) body['title'] = changes.title;
  // `articletext` is split at the read-more marker into introtext and fulltext, as the editor does.
  if (changes.bodyHtml !== undefined) body['articletext'] = changes.bodyHtml;
  if (changes.excerpt !== undefined) body['metadesc'] = changes.excerpt;
  if (changes.slug) body['alias'] = changes.slug;
  if (changes.status !== undefined) body['state'] = changes.status === 'published' ? 1 : 0;
  if (ids.catid !== undefined) body['catid'] = ids.catid;
  if (ids.tags !== undefined) body['tags'] = ids.tags;
  if (ids.image !== undefined) body['images'] = { image_intro: ids.image ?? '', image_fulltext: ids.image ?? '' };
  // Joomla authors are user accounts: only a user id (as read back from this site) can be written.
  if (changes.author != null && /^\d+$/.test(changes.author)) body['created_by'] = Number(changes.author);
  return body;
}
