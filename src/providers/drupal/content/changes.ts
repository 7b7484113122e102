/**
 * Polling by `changed` (cms.md §2.3): nodes sorted by `changed, drupal_internal__nid` and read
 * by keyset, `(changed > c) OR (changed = c AND nid > n)` as a JSON:API filter group, 50 at a
 * time (the JSON:API maximum). Unlike offsets, the keyset never skips an unread node when one
 * is saved while the pages are read: the saved node moves to the end and is read there. Deleted
 * nodes are gone for good in Drupal (no trash), so deletions are left to absence checks.
 */
import type { ContentAdapter } from '../../contracts/content.ts';
import { decodeCursor, encodeCursor } from '../../kit/cursor-codec.ts';
import { bundleOf, changedSeconds, type NodeJson } from './mapping.ts';
import { remotesOf, type NodeDocument } from './resolve.ts';
import { jsonapi } from './request.ts';

const LIMIT = 50;

interface Cursor {
  /** Last node read: its `changed` (Unix seconds) and nid. */
  c: number;
  n: number;
  /** Newest modified time read so far in this run. */
  w: string | null;
}

function keyset(c: number, n: number): Record<string, string> {
  return {
    'filter[after][group][conjunction]': 'OR',
    'filter[later][condition][path]': 'changed',
    'filter[later][condition][operator]': '>',
    'filter[later][condition][value]': String(c),
    'filter[later][condition][memberOf]': 'after',
    'filter[same][group][conjunction]': 'AND',
    'filter[same][group][memberOf]': 'after',
    'filter[sameChanged][condition][path]': 'changed',
    'filter[sameChanged][condition][value]': String(c),
    'filter[sameChanged][condition][memberOf]': 'same',
    'filter[nextNid][condition][path]': 'drupal_internal__nid',
    'filter[nextNid][condition][operator]': '>',
    'filter[nextNid][condition][value]': String(n),
    'filter[nextNid][condition][memberOf]': 'same',
  };
}

export const changedSince: ContentAdapter['changedSince'] = async (s, { kind }, since, cursor) => {
  const state: Cursor | null = cursor ? decodeCursor<Cursor>(cursor) : null;
  const params: Record<string, string> = {
    sort: 'changed,drupal_internal__nid',
    'page[limit]': String(LIMIT),
    include: kind === 'post' ? 'field_tags' : '',
  };
  if (!params['include']) delete params['include'];
  if (state) Object.assign(params, keyset(state.c, state.n));
  else if (since) {
    // `changed` is stored as Unix seconds; the filter compares against that integer.
    Object.assign(params, {
      'filter[changed][value]': String(Math.floor(Date.parse(since) / 1000)),
      'filter[changed][operator]': '>',
    });
  }
  const res = await jsonapi<NodeDocument & { links?: { next?: unknown } }>(
    s,
    'GET',
    `/node/${bundleOf(kind)}?${new URLSearchParams(params).toString()}`,
  );
  const nodes: NodeJson[] = res.data ?? [];
  const items = await remotesOf(s, nodes, res.included ?? []);
  let w = state ? state.w : since;
  for (const it of items) if (w === null || Date.parse(it.modifiedAt) > Date.parse(w)) w = it.modifiedAt;
  const last = nodes.at(-1);
  // A short page can still have a next link (rows hidden by access come off after paging).
  const more = !!res.links?.next && last !== undefined;
  return {
    items,
    next: more ? encodeCursor<Cursor>({ c: changedSeconds(last), n: last.attributes.drupal_internal__nid, w }) : null,
    watermark: w,
  };
};
