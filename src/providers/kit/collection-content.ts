import { plexusError } from '../../core/errors.ts';
import type {
  ChangesPage,
  ContentAdapter,
  ContentContext,
  ContentFields,
  ContentKind,
  RemoteContent,
  TargetLocation,
} from '../contracts/content.ts';
import { modifiedOrderCursor, modifiedOrderPage, type ModifiedOrderCursor } from './modified-order-page.ts';
import { unmoved } from './version-guard.ts';

/**
 * What a platform whose content is items of a CMS collection supplies: its calls on one
 * collection (`cid`), and how an item maps to the unified model under the collection's roles
 * (which of its fields hold the title, body, slug…).
 */
export interface CollectionItems<Item, Roles> {
  /** The platform's name, for messages. */
  name: string;
  kinds: readonly ContentKind[];
  fields?: ContentAdapter['fields'];
  bulkSize: number;
  /** Items per page when polling. */
  pageSize: number;
  defaultCollection(s: ContentContext): Promise<string>;
  rolesOf(s: ContentContext, cid: string): Promise<Roles>;
  get(s: ContentContext, cid: string, id: string): Promise<Item | null>;
  toRemote(s: ContentContext, roles: Roles, item: Item): Promise<RemoteContent>;
  /** The item's last-modified time: its version for conditional updates, and the polling order. */
  modifiedOf(item: Item): string;
  /** Creates the items in order (one call for one, a bulk call for more). */
  createIn(s: ContentContext, cid: string, batch: ContentFields[]): Promise<RemoteContent[]>;
  /** Writes changes to an item already checked to be unmoved; answers the item as saved. */
  update(s: ContentContext, cid: string, roles: Roles, current: Item, changes: Partial<ContentFields>): Promise<Item>;
  remove(s: ContentContext, cid: string, id: string): Promise<void>;
  findBySlug(s: ContentContext, cid: string, roles: Roles, slug: string): Promise<Item | null>;
  /** One page of items modified at or after `c.after`, oldest first, skipping `c.skip`. */
  changedPage(s: ContentContext, cid: string, c: ModifiedOrderCursor): Promise<Item[]>;
}

/**
 * A content adapter over one collection: locating the collection, creating through the batch
 * path, reading, the version check before an update (these platforms have no conditional
 * write, so the window up to the write stays open) and the modified-order walk for polling.
 */
export function collectionContentAdapter<Item, Roles>(p: CollectionItems<Item, Roles>): ContentAdapter {
  const collectionOf = (loc: TargetLocation): string => {
    if (!p.kinds.includes(loc.kind) || !loc.collection)
      throw plexusError('unprocessable', {
        message: `${p.name} content is collection items; the target names no collection.`,
      });
    return loc.collection;
  };
  return {
    kinds: p.kinds,
    ...(p.fields !== undefined ? { fields: p.fields } : {}),
    bulkSize: p.bulkSize,

    async locate(s, kind) {
      if (!p.kinds.includes(kind))
        throw plexusError('unprocessable', {
          message: `${p.name} takes ${p.kinds.join(' and ')} content, not ${kind}s.`,
        });
      return { kind, collection: await p.defaultCollection(s) };
    },

    async create(s, loc, fields) {
      return (await p.createIn(s, collectionOf(loc), [fields]))[0]!;
    },

    createMany: (s, loc, items) => p.createIn(s, collectionOf(loc), items),

    async read(s, loc, remoteId) {
      const cid = collectionOf(loc);
      const item = await p.get(s, cid, remoteId);
      return item ? p.toRemote(s, await p.rolesOf(s, cid), item) : null;
    },

    async update(s, loc, remoteId, changes, expectedVersion) {
      const cid = collectionOf(loc);
      const current = unmoved(await p.get(s, cid, remoteId), (i) => p.modifiedOf(i), remoteId, expectedVersion);
      const roles = await p.rolesOf(s, cid);
      return p.toRemote(s, roles, await p.update(s, cid, roles, current, changes));
    },

    remove: (s, loc, remoteId) => p.remove(s, collectionOf(loc), remoteId),

    async findBySlug(s, loc, slug) {
      const cid = collectionOf(loc);
      const roles = await p.rolesOf(s, cid);
      const item = await p.findBySlug(s, cid, roles, slug);
      return item ? p.toRemote(s, roles, item) : null;
    },

    /** Sorted by modification time from the last one seen, so an item edited mid-walk moves behind the cursor. */
    async changedSince(s, loc, since, cursor): Promise<ChangesPage> {
      const cid = collectionOf(loc);
      const roles = await p.rolesOf(s, cid);
      const c = modifiedOrderCursor(since, cursor);
      const page = await p.changedPage(s, cid, c);
      return modifiedOrderPage(
        page,
        p.pageSize,
        c,
        since,
        (i) => p.modifiedOf(i),
        (i) => p.toRemote(s, roles, i),
      );
    },
  };
}
