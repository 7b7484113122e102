/**
 * Wix content as CMS data items (`/wix-data/v2`), for posts and collection items alike. The
 * Blog API takes a post body only as Ricos rich content (`richContent.nodes`, cms.md §6.2), so
 * HTML would be converted both ways and come back different from what was sent: every poll
 * would read as an edit and block-level merges would work on a lossy copy. A CMS collection
 * keeps the HTML of its rich-text field as written, has `_updatedDate` to filter and sort on,
 * bulk insert, and a publish flag where the collection defines one.
 *
 * Data items carry no revision (cms.md §6.3), so an update reads the item, refuses when its
 * `_updatedDate` moved, and PUTs the whole item back with the changes applied (PUT replaces the
 * item: fields Plexus does not sync are written back as they were read).
 */
import { plexusError } from '../../core/errors.ts';
import type { ContentContext, ContentFields, RemoteContent } from '../contracts/content.ts';
import { collectionContentAdapter } from '../kit/collection-content.ts';
import { unlessMissing } from '../kit/content-call.ts';
import { wixCall, wixFind } from './call.ts';
import { defaultCollection, rolesOf } from './content/collection-roles.ts';
import { dateOf, fromItem, toData, type DataItem } from './content/mapping.ts';

const PAGE = 100;
const BULK = 100;

const updatedOf = (item: DataItem) => dateOf(item.data._updatedDate);

const itemPath = (cid: string, id: string) =>
  `/wix-data/v2/items/${encodeURIComponent(id)}?${new URLSearchParams({ dataCollectionId: cid }).toString()}`;

async function getItem(s: ContentContext, cid: string, id: string): Promise<DataItem | null> {
  return (await wixFind<{ dataItem: DataItem }>(s, itemPath(cid, id)))?.dataItem ?? null;
}

async function query(s: ContentContext, cid: string, q: Record<string, unknown>): Promise<DataItem[]> {
  const res = await wixCall(s, 'POST', '/wix-data/v2/items/query', {
    dataCollectionId: cid,
    query: q,
    consistentRead: true,
  });
  return (res.body as { dataItems?: DataItem[] }).dataItems ?? [];
}

async function createIn(s: ContentContext, cid: string, batch: ContentFields[]): Promise<RemoteContent[]> {
  const roles = await rolesOf(s, cid);
  const data: Record<string, unknown>[] = [];
  for (const f of batch) data.push(await toData(s, roles, f));
  if (batch.length === 1) {
    const res = await wixCall(s, 'POST', '/wix-data/v2/items', { dataCollectionId: cid, dataItem: { data: data[0] } });
    return [await fromItem(s, roles, (res.body as { dataItem: DataItem }).dataItem)];
  }
  const res = await wixCall(s, 'POST', '/wix-data/v2/bulk/items/insert', {
    dataCollectionId: cid,
    dataItems: data.map((d) => ({ data: d })),
    returnEntity: true,
  });
  type Result = {
    itemMetadata: { originalIndex: number; success: boolean; error?: { description?: string } };
    dataItem?: DataItem;
  };
  const results = (res.body as { results?: Result[] }).results ?? [];
  const failed = results.filter((r) => !r.itemMetadata.success);
  // Items that went in stay in (a retry finds them by slug); the batch reports the first refusal.
  if (failed.length) {
    throw plexusError('provider.invalid_request', {
      message: failed[0]!.itemMetadata.error?.description ?? 'Wix refused an item of the batch.',
      details: {
        failed: failed.map((r) => ({ index: r.itemMetadata.originalIndex, error: r.itemMetadata.error?.description })),
      },
    });
  }
  const byIndex = new Map(results.map((r) => [r.itemMetadata.originalIndex, r.dataItem]));
  return Promise.all(
    batch.map(async (_, i) => {
      const item = byIndex.get(i);
      if (!item)
        throw plexusError('provider.invalid_request', { message: `Wix answered the bulk insert without item ${i}.` });
      return fromItem(s, roles, item);
    }),
  );
}

export const wixContent = collectionContentAdapter({
  name: 'Wix',
  kinds: ['post', 'item'],
  bulkSize: BULK,
  pageSize: PAGE,
  defaultCollection,
  rolesOf,
  get: getItem,
  toRemote: fromItem,
  modifiedOf: updatedOf,
  createIn,

  async update(s, cid, roles, current, changes) {
    const data = { ...current.data, ...(await toData(s, roles, changes)) };
    const res = await wixCall(s, 'PUT', `/wix-data/v2/items/${encodeURIComponent(current.id)}`, {
      dataCollectionId: cid,
      dataItem: { id: current.id, data },
    });
    return (res.body as { dataItem: DataItem }).dataItem;
  },

  async remove(s, cid, remoteId) {
    await unlessMissing(wixCall(s, 'DELETE', itemPath(cid, remoteId)));
  },

  async findBySlug(s, cid, roles, slug) {
    if (!roles.slug) return null;
    const [item] = await query(s, cid, { filter: { [roles.slug]: { $eq: slug } }, paging: { limit: 1 } });
    return item ?? null;
  },

  changedPage: (s, cid, c) =>
    query(s, cid, {
      ...(c.after ? { filter: { _updatedDate: { $gte: { $date: c.after } } } } : {}),
      sort: [{ fieldName: '_updatedDate', order: 'ASC' }],
      paging: { limit: PAGE, offset: c.skip },
    }),
});
