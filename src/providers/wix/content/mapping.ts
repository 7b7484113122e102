/**
 * Wix CMS data items ⇄ unified content fields through the collection's roles. The body is the
 * rich-text field's HTML as stored; status is the publish flag (a collection without one only
 * has published items); categories and tags are string arrays. Version and modified time are
 * `_updatedDate`.
 */
import type { ContentContext, ContentFields, RemoteContent } from '../../contracts/content.ts';
import type { Roles } from './collection-roles.ts';
import { featuredOf, imageValue } from './media.ts';

export interface DataItem {
  id: string;
  dataCollectionId?: string;
  data: Record<string, unknown>;
}

/** `{"$date": "…"}` (how the API writes dates) or a plain ISO string. */
export function dateOf(v: unknown): string {
  const raw = v && typeof v === 'object' && '$date' in v ? v.$date : v;
  return typeof raw === 'string' ? raw : '';
}

/** Data for the fields given; fields the collection has no place for are left out. */
export async function toData(
  s: ContentContext,
  roles: Roles,
  f: Partial<ContentFields>,
): Promise<Record<string, unknown>> {
  const d: Record<string, unknown> = {};
  if (f.title !== undefined) d[roles.title] = f.title;
  if (f.slug !== undefined && roles.slug) d[roles.slug] = f.slug;
  if (f.bodyHtml !== undefined && roles.body) d[roles.body] = f.bodyHtml;
  if (f.excerpt !== undefined && roles.excerpt) d[roles.excerpt] = f.excerpt;
  if (f.status !== undefined && roles.published) d[roles.published] = f.status === 'published';
  if (f.categories !== undefined && roles.categories) d[roles.categories] = [...f.categories];
  if (f.tags !== undefined && roles.tags) d[roles.tags] = [...f.tags];
  if (f.author !== undefined && roles.author) d[roles.author] = f.author ?? '';
  if (f.featuredMedia !== undefined && roles.image) d[roles.image] = await imageValue(s, f.featuredMedia);
  return d;
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export async function fromItem(s: ContentContext, roles: Roles, item: DataItem): Promise<RemoteContent> {
  const d = item.data;
  const updated = dateOf(d._updatedDate);
  const fields: ContentFields = {
    title: text(d[roles.title]),
    bodyHtml: roles.body ? text(d[roles.body]) : '',
    excerpt: roles.excerpt ? text(d[roles.excerpt]) : '',
    slug: roles.slug ? text(d[roles.slug]) : '',
    status: !roles.published || d[roles.published] === true ? 'published' : 'draft',
    categories: roles.categories ? strings(d[roles.categories]) : [],
    tags: roles.tags ? strings(d[roles.tags]) : [],
    featuredMedia: roles.image ? await featuredOf(s, d[roles.image]) : null,
    author: roles.author ? text(d[roles.author]) || null : null,
  };
  return {
    remoteId: item.id ?? String(d._id),
    version: updated,
    modifiedAt: new Date(updated).toISOString(),
    fields,
    raw: item,
  };
}
