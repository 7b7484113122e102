/**
 * Webflow CMS items through the Data API v2 (cms.md §5): items of one collection (the
 * connection's `collectionId`, else the site's first blog-like collection). Published items are
 * created on the live layer (`POST …/items/live`) and updated there; drafts stay staged. Bulk
 * create takes up to 100 items a call. Webflow has no conditional write: an update reads the
 * staged item and refuses when its `lastUpdated` moved (the window up to the PATCH stays open).
 */
import { plexusError } from '../../core/errors.ts';
import type { ContentContext, ContentFields, RemoteContent } from '../contracts/content.ts';
import { collectionContentAdapter } from '../kit/collection-content.ts';
import { unlessMissing } from '../kit/content-call.ts';
import { wfCall, wfFind } from './call.ts';
import { defaultCollection, rolesOf } from './content/collection-roles.ts';
import { fromItem, isLive, toFieldData, type WfItem } from './content/mapping.ts';

const PAGE = 100;

const itemPath = (cid: string, id: string, live = false) => `/collections/${cid}/items/${live ? 'live/' : ''}${id}`;

async function getItem(s: ContentContext, cid: string, id: string): Promise<WfItem | null> {
  return wfFind<WfItem>(s, itemPath(cid, id));
}

async function createIn(s: ContentContext, cid: string, batch: ContentFields[]): Promise<RemoteContent[]> {
  const roles = await rolesOf(s, cid);
  const bodies: { isDraft: boolean; isArchived: boolean; fieldData: Record<string, unknown> }[] = [];
  // One at a time: the first item with a new image or term uploads or creates it for the rest.
  for (const f of batch)
    bodies.push({ isDraft: f.status !== 'published', isArchived: false, fieldData: await toFieldData(s, roles, f) });
  const made = new Array<WfItem>(batch.length);
  for (const live of [true, false]) {
    const idx = batch.flatMap((f, i) => ((f.status === 'published') === live ? [i] : []));
    if (!idx.length) continue;
    const path = `/collections/${cid}/items${live ? '/live' : ''}`;
    const res =
      idx.length === 1
        ? await wfCall(s, 'POST', path, bodies[idx[0]!])
        : await wfCall(s, 'POST', path, { items: idx.map((i) => bodies[i]) });
    const items = idx.length === 1 ? [res.body as WfItem] : ((res.body as { items: WfItem[] }).items ?? []);
    idx.forEach((i, n) => (made[i] = items[n]!));
  }
  return Promise.all(made.map((item) => fromItem(s, roles, item)));
}

export const webflowContent = collectionContentAdapter({
  name: 'Webflow',
  kinds: ['item'],
  // No author field in a standard blog collection; the collection's roles decide the rest.
  fields: ['title', 'bodyHtml', 'excerpt', 'slug', 'status', 'categories', 'tags', 'featuredMedia'],
  bulkSize: 100,
  pageSize: PAGE,
  defaultCollection,
  rolesOf,
  get: getItem,
  toRemote: fromItem,
  modifiedOf: (i) => i.lastUpdated,
  createIn,

  async update(s, cid, roles, current, changes) {
    const remoteId = current.id;
    const fieldData = await toFieldData(s, roles, changes);
    const live = isLive(current);
    const wantLive = (changes.status ?? (live ? 'published' : 'draft')) === 'published';
    let item: WfItem | null;
    if (wantLive && live)
      item = (await wfCall(s, 'PATCH', itemPath(cid, remoteId, true), { fieldData })).body as WfItem;
    else if (wantLive) {
      await wfCall(s, 'PATCH', itemPath(cid, remoteId), { isDraft: false, fieldData });
      await wfCall(s, 'POST', `/collections/${cid}/items/publish`, { itemIds: [remoteId] });
      item = await getItem(s, cid, remoteId);
    } else if (live) {
      await wfCall(s, 'PATCH', itemPath(cid, remoteId), { isDraft: true, fieldData });
      await wfCall(s, 'DELETE', itemPath(cid, remoteId, true));
      item = await getItem(s, cid, remoteId);
    } else item = (await wfCall(s, 'PATCH', itemPath(cid, remoteId), { fieldData })).body as WfItem;
    if (!item) throw plexusError('content.remote_changed', { details: { remoteId, gone: true } });
    return item;
  },

  // Off the live site first (a staged delete alone leaves it live until the next site publish).
  async remove(s, cid, remoteId) {
    const item = await getItem(s, cid, remoteId);
    if (!item) return;
    if (isLive(item)) await unlessMissing(wfCall(s, 'DELETE', itemPath(cid, remoteId, true)));
    await unlessMissing(wfCall(s, 'DELETE', itemPath(cid, remoteId)));
  },

  async findBySlug(s, cid, _roles, slug) {
    const res = await wfCall(
      s,
      'GET',
      `/collections/${cid}/items?${new URLSearchParams({ slug, limit: '1' }).toString()}`,
    );
    return (res.body as { items?: WfItem[] }).items?.find((i) => i.fieldData.slug === slug) ?? null;
  },

  // The `lastUpdated` filter and sort of the Data API (2025-08).
  async changedPage(s, cid, c) {
    const q = new URLSearchParams({
      limit: String(PAGE),
      offset: String(c.skip),
      sortBy: 'lastUpdated',
      sortOrder: 'asc',
    });
    if (c.after) q.set('lastUpdated[gte]', c.after);
    const res = await wfCall(s, 'GET', `/collections/${cid}/items?${q.toString()}`);
    return (res.body as { items?: WfItem[] }).items ?? [];
  },
});
