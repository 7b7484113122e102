/**
 * Polling (cms.md §3.3): Joomla has no "modified since" filter, so articles are listed newest
 * first (`list[ordering]=a.modified`, DESC) and read until one is at or before the watermark.
 * Newest-first offsets never skip an unread article when one is saved meanwhile (the saved one
 * moves to the top; at worst one article is listed twice). The controller cleans
 * `filter[state]` as an integer and the default lists published and unpublished only, so the
 * trashed (−2) and archived (2) articles are read in passes of their own: trashed ones report
 * deletions.
 */
import type { ContentAdapter } from '../../contracts/content.ts';
import { decodeCursor, encodeCursor } from '../../kit/cursor-codec.ts';
import { modifiedAtOf, type ArticleJson } from './mapping.ts';
import { remotesOf } from './resolve.ts';
import { joomla } from './request.ts';

const LIMIT = 100;
/** `null`: the default (published + unpublished). */
const PASSES: (number | null)[] = [null, -2, 2];

interface Cursor {
  pass: number;
  offset: number;
  w: string | null;
}

/** Joomla has articles only, so the location adds nothing to the query. */
export const changedSince: ContentAdapter['changedSince'] = async (s, _loc, since, cursor) => {
  const state = cursor ? decodeCursor<Cursor>(cursor) : { pass: 0, offset: 0, w: since };
  const pass = PASSES[state.pass] ?? null;
  const q = new URLSearchParams({
    'list[ordering]': 'a.modified',
    'list[direction]': 'DESC',
    'page[limit]': String(LIMIT),
    'page[offset]': String(state.offset),
  });
  if (pass !== null) q.set('filter[state]', String(pass));
  const res = await joomla<{ data?: ArticleJson[]; links?: { next?: string } }>(
    s,
    'GET',
    `/content/articles?${q.toString()}`,
  );
  const page = res.data ?? [];
  const after = since === null ? -Infinity : Date.parse(since);
  const fresh = page.filter((a) => Date.parse(modifiedAtOf(a)) > after);
  let w = state.w;
  for (const a of fresh) if (w === null || Date.parse(modifiedAtOf(a)) > Date.parse(w)) w = modifiedAtOf(a);
  // More of this pass only while the page was all newer than the watermark and Joomla has a next page.
  const more = fresh.length === page.length && !!res.links?.next;
  const next: Cursor | null = more
    ? { pass: state.pass, offset: state.offset + LIMIT, w }
    : state.pass + 1 < PASSES.length
      ? { pass: state.pass + 1, offset: 0, w }
      : null;
  return { items: await remotesOf(s, fresh), next: next ? encodeCursor<Cursor>(next) : null, watermark: w };
};
