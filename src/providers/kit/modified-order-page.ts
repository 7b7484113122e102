import type { ChangesPage, RemoteContent } from '../contracts/content.ts';
import { decodeCursor, encodeCursor } from './cursor-codec.ts';

/**
 * Polling a listing sorted by modified time, oldest first, and filtered from an inclusive
 * lower bound (Webflow's `lastUpdated[gte]`, Wix's `_updatedDate $gte`). Each page starts at
 * the last time the page before ended on, skipping the items at that time already returned,
 * so an item edited while the pages are read moves behind the cursor instead of shifting an
 * offset past another item.
 */
export interface ModifiedOrderCursor {
  /** Items modified at or after this come next… */
  after: string | null;
  /** …after skipping this many (already returned) from the start of that listing. */
  skip: number;
  /** Newest modified time returned so far in this run. */
  wm: string | null;
}

export function modifiedOrderCursor(since: string | null, cursor: string | null): ModifiedOrderCursor {
  return cursor ? decodeCursor<ModifiedOrderCursor>(cursor) : { after: since, skip: 0, wm: since };
}

/** One listed page as a changes page: what is newer than `since`, the watermark, and where the next page starts. */
export async function modifiedOrderPage<T>(
  page: readonly T[],
  pageSize: number,
  c: ModifiedOrderCursor,
  since: string | null,
  modifiedOf: (item: T) => string,
  toRemote: (item: T) => Promise<RemoteContent>,
): Promise<ChangesPage> {
  const items: RemoteContent[] = [];
  let wm = c.wm;
  for (const item of page) {
    const t = Date.parse(modifiedOf(item));
    if (since && t <= Date.parse(since)) continue;
    items.push(await toRemote(item));
    if (!wm || t > Date.parse(wm)) wm = new Date(t).toISOString();
  }
  let next: string | null = null;
  const last = page.at(-1);
  if (page.length === pageSize && last) {
    const at = modifiedOf(last);
    const atLast = page.filter((i) => modifiedOf(i) === at).length;
    const after = new Date(at).toISOString();
    next = encodeCursor<ModifiedOrderCursor>({
      after,
      skip: c.after && Date.parse(c.after) === Date.parse(after) ? c.skip + page.length : atLast,
      wm,
    });
  }
  return { items, next, watermark: wm };
}
