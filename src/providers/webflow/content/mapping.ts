/**
 * Webflow CMS items ⇄ unified content fields through the collection's roles: `name` ↔ title,
 * `slug`, the RichText body, the summary, the Image field, category/tag references by name, a
 * plain-text author. Status: published when the item is live (not a draft and published at
 * least once); `isArchived` reads as trashed. Version and modified time are `lastUpdated`.
 */
import type { ContentContext, ContentFields, RemoteContent } from '../../contracts/content.ts';
import { featuredOf, imageValue } from './media.ts';
import type { RefRole, Roles } from './collection-roles.ts';
import { termIds, termNames } from './terms.ts';

export interface WfItem {
  id: string;
  lastUpdated: string;
  lastPublished: string | null;
  isDraft: boolean;
  isArchived: boolean;
  fieldData: Record<string, unknown>;
}

export const isLive = (i: WfItem) => !i.isDraft && i.lastPublished !== null;

async function refValue(s: ContentContext, role: RefRole, names: readonly string[]): Promise<unknown> {
  const ids = await termIds(s, role.collectionId, role.multi ? names : names.slice(0, 1));
  return role.multi ? ids : (ids[0] ?? null);
}

/** `fieldData` for the fields given; fields the collection has no place for are left out. */
export async function toFieldData(
  s: ContentContext,
  roles: Roles,
  f: Partial<ContentFields>,
): Promise<Record<string, unknown>> {
  const fd: Record<string, unknown> = {};
  if (f.title !== undefined) fd.name = f.title;
  if (f.slug !== undefined && f.slug !== '') fd.slug = f.slug;
  if (f.bodyHtml !== undefined && roles.body) fd[roles.body] = f.bodyHtml;
  if (f.excerpt !== undefined && roles.excerpt) fd[roles.excerpt] = f.excerpt;
  if (f.author !== undefined && roles.author) fd[roles.author] = f.author ?? '';
  if (f.featuredMedia !== undefined && roles.image) fd[roles.image] = await imageValue(s, f.featuredMedia);
  if (f.categories !== undefined && roles.categories)
    fd[roles.categories.slug] = await refValue(s, roles.categories, f.categories);
  if (f.tags !== undefined && roles.tags) fd[roles.tags.slug] = await refValue(s, roles.tags, f.tags);
  return fd;
}

async function names(s: ContentContext, role: RefRole | undefined, v: unknown): Promise<string[]> {
  if (!role) return [];
  const ids = (Array.isArray(v) ? v : v ? [v] : []).filter((x): x is string => typeof x === 'string');
  return ids.length ? termNames(s, role.collectionId, ids) : [];
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');

export async function fromItem(s: ContentContext, roles: Roles, item: WfItem): Promise<RemoteContent> {
  const fd = item.fieldData;
  const fields: ContentFields = {
    title: text(fd.name),
    bodyHtml: roles.body ? text(fd[roles.body]) : '',
    excerpt: roles.excerpt ? text(fd[roles.excerpt]) : '',
    slug: text(fd.slug),
    status: isLive(item) ? 'published' : 'draft',
    categories: await names(s, roles.categories, roles.categories && fd[roles.categories.slug]),
    tags: await names(s, roles.tags, roles.tags && fd[roles.tags.slug]),
    featuredMedia: roles.image ? await featuredOf(s, fd[roles.image]) : null,
    author: roles.author ? text(fd[roles.author]) || null : null,
  };
  return {
    remoteId: item.id,
    version: item.lastUpdated,
    modifiedAt: new Date(item.lastUpdated).toISOString(),
    fields,
    ...(item.isArchived ? { trashed: true } : {}),
    raw: item,
  };
}
