/**
 * Polling by modified time (cms.md §1.2/§1.3): `modified_after` (strict, WordPress ≥ 5.7) with
 * `orderby=modified&order=asc`, trashed posts included so they read as deletions.
 *
 * Pages are keyset by whole seconds rather than `page=N`: an item edited while the pages are
 * read moves to the end instead of shifting the offsets (which would skip an unread item). A
 * full page ends before its last second, and the next page starts at that second again, so a
 * second is never split across pages; only when one second fills a whole page is it drained by
 * id with the ids already read excluded.
 */
import type { ContentAdapter, ContentContext, ContentKind } from '../../contracts/content.ts';
import { apiGet } from '../../kit/api-call.ts';
import { decodeCursor, encodeCursor } from '../../kit/cursor-codec.ts';
import { collectionOf, modifiedAtOf, type WpPostJson } from './mapping.ts';
import { remotesOf } from './resolve.ts';

const PER_PAGE = 100;
/** Every status a post can be in, trash included (`any` leaves trash out). */
const STATUSES = 'publish,future,draft,pending,private,trash';

interface Cursor {
  /** Items strictly after this second (`YYYY-MM-DDTHH:MM:SS`, UTC). */
  after?: string | null;
  /** A second being drained by id, and the ids already read in it. */
  second?: string;
  seen?: number[];
  /** Newest modified time read so far in this run. */
  w: string | null;
}

/** A whole UTC second as WordPress compares it, from an ISO time (sub-seconds dropped). */
function secondOf(iso: string): string {
  return new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString().slice(0, 19);
}

function shift(second: string, by: number): string {
  return new Date(Date.parse(`${second}Z`) + by * 1000).toISOString().slice(0, 19);
}

// An explicit offset: WordPress converts it to the site's timezone before comparing post_modified.
const wpTime = (second: string) => `${second}+00:00`;

async function fetchPosts(s: ContentContext, kind: ContentKind, params: Record<string, string>): Promise<WpPostJson[]> {
  const q = new URLSearchParams({ context: 'edit', status: STATUSES, per_page: String(PER_PAGE), ...params });
  const res = await apiGet(s.connector, s.ctx, s.creds, `${collectionOf(kind)}?${q.toString()}`);
  return Array.isArray(res.body) ? (res.body as WpPostJson[]) : [];
}

export const changedSince: ContentAdapter['changedSince'] = async (s, { kind }, since, cursor) => {
  const state: Cursor = cursor ? decodeCursor<Cursor>(cursor) : { after: since ? secondOf(since) : null, w: since };
  let posts: WpPostJson[];
  let next: Cursor | null;
  if (state.second) {
    const seen = state.seen ?? [];
    posts = await fetchPosts(s, kind, {
      modified_after: wpTime(shift(state.second, -1)),
      modified_before: wpTime(shift(state.second, 1)),
      orderby: 'id',
      order: 'asc',
      ...(seen.length ? { exclude: seen.join(',') } : {}),
    });
    next =
      posts.length === PER_PAGE
        ? { second: state.second, seen: [...seen, ...posts.map((p) => p.id)], w: state.w }
        : { after: state.second, w: state.w };
  } else {
    posts = await fetchPosts(s, kind, {
      orderby: 'modified',
      order: 'asc',
      ...(state.after ? { modified_after: wpTime(state.after) } : {}),
    });
    if (posts.length < PER_PAGE) next = null;
    else {
      const last = posts[posts.length - 1]!.modified_gmt;
      if (posts[0]!.modified_gmt === last) next = { second: last, seen: posts.map((p) => p.id), w: state.w };
      else {
        posts = posts.filter((p) => p.modified_gmt !== last);
        next = { after: posts[posts.length - 1]!.modified_gmt, w: state.w };
      }
    }
  }
  const items = await remotesOf(s, posts);
  let w = state.w;
  for (const p of posts) {
    const at = modifiedAtOf(p);
    if (w === null || Date.parse(at) > Date.parse(w)) w = at;
  }
  if (next) next.w = w;
  return { items, next: next ? encodeCursor<Cursor>(next) : null, watermark: w };
};
