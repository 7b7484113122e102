/**
 * A WordPress post or page (as `context=edit` returns it) ⇄ the unified content fields.
 * Taxonomy and media ids are resolved by the callers; this module only shapes payloads.
 */
import { createHash } from 'node:crypto';
import { plexusError } from '../../../core/errors.ts';
import type { ContentFields, ContentKind, RemoteContent } from '../../contracts/content.ts';

export interface WpPostJson {
  id: number;
  modified_gmt: string;
  slug: string;
  status: string;
  type: string;
  title: { raw?: string; rendered?: string };
  content: { raw?: string; rendered?: string };
  /** Absent on pages: core pages do not support excerpts. */
  excerpt?: { raw?: string; rendered?: string };
  author?: number;
  featured_media?: number;
  categories?: number[];
  tags?: number[];
}

/** Term and media ids already turned into unified values. */
export interface ResolvedRefs {
  categories: string[];
  tags: string[];
  featuredMedia: string | null;
}

/** The REST collection of a kind (cms.md §1.2: pages share the posts controller). */
export function collectionOf(kind: ContentKind): '/posts' | '/pages' {
  if (kind === 'post') return '/posts';
  if (kind === 'page') return '/pages';
  throw plexusError('validation_failed', { message: `WordPress has no ${kind} content; it takes posts and pages.` });
}

export function hasTaxonomy(kind: ContentKind): boolean {
  return kind === 'post';
}

/**
 * `modified_gmt` has second precision and core has no revision counter on the post (cms.md
 * §1.3), so two writes within one second would share it. The version adds a digest of the
 * stored values Plexus maps: any change to them moves it even inside the same second.
 */
export function versionOf(p: WpPostJson): string {
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        p.title.raw ?? p.title.rendered ?? '',
        p.content.raw ?? p.content.rendered ?? '',
        p.excerpt?.raw ?? '',
        p.status,
        p.slug,
        [...(p.categories ?? [])].sort((a, b) => a - b),
        [...(p.tags ?? [])].sort((a, b) => a - b),
        p.featured_media ?? 0,
        p.author ?? 0,
      ]),
    )
    .digest('hex')
    .slice(0, 16);
  return `${p.modified_gmt}Z/${digest}`;
}

/** `modified_gmt` is UTC without an offset. */
export function modifiedAtOf(p: WpPostJson): string {
  return new Date(`${p.modified_gmt}Z`).toISOString();
}

export function toRemote(p: WpPostJson, refs: ResolvedRefs): RemoteContent {
  return {
    remoteId: String(p.id),
    version: versionOf(p),
    modifiedAt: modifiedAtOf(p),
    fields: {
      title: p.title.raw ?? decodeEntities(p.title.rendered ?? ''),
      bodyHtml: p.content.raw ?? p.content.rendered ?? '',
      excerpt: p.excerpt?.raw ?? '',
      slug: p.slug,
      // Scheduled, pending and private posts are not public: only `publish` is published.
      status: p.status === 'publish' ? 'published' : 'draft',
      categories: refs.categories,
      tags: refs.tags,
      featuredMedia: refs.featuredMedia,
      author: p.author ? String(p.author) : null,
    },
    ...(p.status === 'trash' ? { trashed: true } : {}),
    raw: p,
  };
}

/** The write body for the given changes; term and media ids come resolved. */
export function toBody(
  kind: ContentKind,
  changes: Partial<ContentFields>,
  ids: { categories?: number[]; tags?: number[]; featuredMedia?: number },
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (changes.title !== undefined) body['title'] = changes.title;
  if (changes.bodyHtml !== undefined) body['content'] = changes.bodyHtml;
  if (changes.excerpt !== undefined && kind === 'post') body['excerpt'] = changes.excerpt;
  if (changes.slug !== undefined && changes.slug !== '') body['slug'] = changes.slug;
  if (changes.status !== undefined) body['status'] = changes.status === 'published' ? 'publish' : 'draft';
  if (ids.categories !== undefined) body['categories'] = ids.categories;
  if (ids.tags !== undefined) body['tags'] = ids.tags;
  if (ids.featuredMedia !== undefined) body['featured_media'] = ids.featuredMedia;
  // WordPress authors are user accounts: only a user id (as read back from this site) can be written.
  if (changes.author != null && /^\d+$/.test(changes.author)) body['author'] = Number(changes.author);
  return body;
}

/** Term names come back HTML-escaped (`_wp_specialchars` on save): `News &amp; Events`. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    const lower = e.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(Number(lower.slice(1)));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[lower] ?? '';
  });
}
