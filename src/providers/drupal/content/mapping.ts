/**
 * A Drupal node (`node--article` / `node--page` resource object) ⇄ the unified content fields.
 * Tag and file ids are resolved by the callers; this module only shapes documents.
 */
import { createHash } from 'node:crypto';
import { plexusError } from '../../../core/errors.ts';
import type { ContentFields, ContentKind, RemoteContent } from '../../contracts/content.ts';

export interface Identifier {
  type: string;
  id: string;
  meta?: Record<string, unknown>;
}

export interface NodeJson {
  type: string;
  id: string;
  attributes: {
    drupal_internal__nid: number;
    drupal_internal__vid: number;
    title: string;
    status: boolean;
    changed: string;
    path?: { alias?: string | null } | null;
    body?: { value?: string; format?: string | null; summary?: string } | null;
  };
  relationships?: {
    field_tags?: { data?: Identifier[] | null };
    field_image?: { data?: Identifier | null };
    uid?: { data?: Identifier | null };
  };
}

export const TERM_TYPE = 'taxonomy_term--tags';
export const FILE_TYPE = 'file--file';
/** Text format for new bodies: the standard profile's editor format. */
export const DEFAULT_FORMAT = 'basic_html';

/** Standard-profile bundles: articles carry tags and an image, basic pages neither. */
export function bundleOf(kind: ContentKind): 'article' | 'page' {
  if (kind === 'post') return 'article';
  if (kind === 'page') return 'page';
  throw plexusError('validation_failed', {
    message: `Drupal has no ${kind} content here; it takes articles (posts) and basic pages.`,
  });
}

export const hasTags = (kind: ContentKind) => kind === 'post';

/** `changed` as Unix seconds (JSON:API prints RFC 3339 with an offset). */
export function changedSeconds(n: NodeJson): number {
  return Math.floor(Date.parse(n.attributes.changed) / 1000);
}

/**
 * `changed` has second precision; `drupal_internal__vid` moves with every saved revision (on by
 * default for articles and pages). A digest of the mapped values covers bundles saved without
 * new revisions inside one second.
 */
export function versionOf(n: NodeJson): string {
  const rel = n.relationships ?? {};
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        n.attributes.title,
        n.attributes.body?.value ?? '',
        n.attributes.body?.summary ?? '',
        n.attributes.status,
        n.attributes.path?.alias ?? null,
        (rel.field_tags?.data ?? []).map((d) => d.id),
        rel.field_image?.data?.id ?? null,
        rel.uid?.data?.id ?? null,
      ]),
    )
    .digest('hex')
    .slice(0, 12);
  return `${changedSeconds(n)}.${n.attributes.drupal_internal__vid}.${digest}`;
}

export function modifiedAtOf(n: NodeJson): string {
  return new Date(changedSeconds(n) * 1000).toISOString();
}

export function slugOf(n: NodeJson): string {
  return (n.attributes.path?.alias ?? '').replace(/^\/+/, '');
}

export function toRemote(n: NodeJson, refs: { tags: string[]; featuredMedia: string | null }): RemoteContent {
  return {
    remoteId: n.id,
    version: versionOf(n),
    modifiedAt: modifiedAtOf(n),
    fields: {
      title: n.attributes.title,
      bodyHtml: n.attributes.body?.value ?? '',
      excerpt: n.attributes.body?.summary ?? '',
      slug: slugOf(n),
      status: n.attributes.status ? 'published' : 'draft',
      // Core articles have tags only; a categories vocabulary is site-specific.
      categories: [],
      tags: refs.tags,
      featuredMedia: refs.featuredMedia,
      author: n.relationships?.uid?.data?.id ?? null,
    },
    raw: n,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID.test(s);

/**
 * The UUID Plexus gives a new node, from its bundle and slug: JSON:API accepts client-supplied
 * ids and refuses a taken one with 409, so a create whose answer was lost cannot make a second
 * node, and the node is found again by its slug without a query on path aliases (a computed
 * field JSON:API cannot filter on).
 */
export function uuidForSlug(bundle: string, slug: string): string {
  const h = createHash('sha1').update(`plexus:drupal:node--${bundle}:${slug}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** Resolved relationship targets for a write. */
export interface Targets {
  tags?: string[];
  image?: { id: string; alt: string } | null;
}

/** Attributes and relationships for the given changes; `body` merges with the stored item (a PATCH replaces it whole). */
export function toDocument(
  kind: ContentKind,
  changes: Partial<ContentFields>,
  targets: Targets,
  stored?: NodeJson,
): { attributes: Record<string, unknown>; relationships: Record<string, unknown> } {
  const attributes: Record<string, unknown> = {};
  if (changes.title !== undefined) attributes['title'] = changes.title;
  if (changes.bodyHtml !== undefined || changes.excerpt !== undefined) {
    const body = stored?.attributes.body;
    attributes['body'] = {
      value: changes.bodyHtml ?? body?.value ?? '',
      summary: changes.excerpt ?? body?.summary ?? '',
      format: body?.format ?? DEFAULT_FORMAT,
    };
  }
  if (changes.status !== undefined) attributes['status'] = changes.status === 'published';
  // An empty alias removes the stored one; a new node without a slug simply gets none.
  if (changes.slug) attributes['path'] = { alias: `/${changes.slug.replace(/^\/+/, '')}` };
  else if (changes.slug === '' && stored) attributes['path'] = { alias: '' };
  const relationships: Record<string, unknown> = {};
  if (hasTags(kind) && targets.tags !== undefined)
    relationships['field_tags'] = { data: targets.tags.map((id) => ({ type: TERM_TYPE, id })) };
  if (hasTags(kind) && targets.image !== undefined) {
    relationships['field_image'] = {
      data: targets.image ? { type: FILE_TYPE, id: targets.image.id, meta: { alt: targets.image.alt } } : null,
    };
  }
  // Drupal authors are user accounts: only a user UUID (as read back from this site) can be written.
  if (changes.author != null && isUuid(changes.author))
    relationships['uid'] = { data: { type: 'user--user', id: changes.author } };
  return { attributes, relationships };
}
