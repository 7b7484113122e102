/**
 * Graph cursor pagination: `{data, paging: {cursors: {before, after}, next?, previous?}}` with
 * `next`/`previous` as full URLs, `next` absent on the last page. Edges page by object id so a
 * deletion between pages neither skips nor repeats an object; insights page over a row grid.
 */
import type { SandboxRequest, SandboxResponse } from '../../../sandbox/kit/server.ts';
import { str, type MetaContext, type Params } from './context.ts';
import { invalidParam } from './errors.ts';

export const DEFAULT_LIMIT = 25;

export function encodeCursor(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const v = Buffer.from(cursor, 'base64url').toString('utf8');
  return v.length > 0 ? v : undefined;
}

export function readLimit(p: Params): number | SandboxResponse {
  const raw = str(p, 'limit');
  if (raw === undefined) return DEFAULT_LIMIT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) return invalidParam('Param limit must be a positive integer');
  return n;
}

export interface Paging {
  cursors: { before: string; after: string };
  next?: string;
  previous?: string;
}

/** The same request with one cursor swapped in (other query params kept, incl. access_token). */
export function pageUrl(
  ctx: MetaContext,
  req: SandboxRequest,
  cursor: { after: string } | { before: string },
  limit: number,
): string {
  const url = new URL(req.path, ctx.baseUrl);
  for (const [k, v] of Object.entries(req.query)) if (k !== 'after' && k !== 'before') url.searchParams.set(k, v);
  url.searchParams.set('limit', String(limit));
  if ('after' in cursor) url.searchParams.set('after', cursor.after);
  else url.searchParams.set('before', cursor.before);
  return url.toString();
}

/** Pages items sorted by descending numeric id (newest first) using id cursors. */
export function pageById<T extends { id: string }>(
  ctx: MetaContext,
  req: SandboxRequest,
  p: Params,
  items: readonly T[],
  limit: number,
): { page: T[]; paging?: Paging } {
  const key = (id: string): bigint => BigInt(id.replace(/^act_/, ''));
  const after = decodeCursor(str(p, 'after'));
  const before = decodeCursor(str(p, 'before'));
  let start = 0;
  let end = Math.min(items.length, limit);
  if (after !== undefined && /^\d+$/.test(after)) {
    const c = BigInt(after);
    start = items.findIndex((i) => key(i.id) < c);
    if (start < 0) start = items.length;
    end = Math.min(items.length, start + limit);
  } else if (before !== undefined && /^\d+$/.test(before)) {
    const c = BigInt(before);
    let stop = items.findIndex((i) => key(i.id) <= c);
    if (stop < 0) stop = items.length;
    end = stop;
    start = Math.max(0, stop - limit);
  }
  const page = items.slice(start, end);
  const first = page[0];
  const last = page.at(-1);
  if (!first || !last) return { page };
  const cursors = {
    before: encodeCursor(first.id.replace(/^act_/, '')),
    after: encodeCursor(last.id.replace(/^act_/, '')),
  };
  const paging: Paging = { cursors };
  if (end < items.length) paging.next = pageUrl(ctx, req, { after: cursors.after }, limit);
  if (start > 0) paging.previous = pageUrl(ctx, req, { before: cursors.before }, limit);
  return { page, paging };
}

/**
 * Pages a lazily evaluated grid of `size` slots where some slots yield no row (Meta leaves out
 * rows without delivery). Cursors hold slot positions.
 */
export function pageGrid<R>(
  ctx: MetaContext,
  req: SandboxRequest,
  p: Params,
  size: number,
  limit: number,
  rowAt: (slot: number) => R | undefined,
): { page: R[]; paging?: Paging } {
  const after = decodeCursor(str(p, 'after'));
  const before = decodeCursor(str(p, 'before'));
  const rows: { slot: number; row: R }[] = [];
  let hasMore = false;
  // A `before` cursor walks back from its slot, anything else forward from `after` (or the start);
  // slots past the grid hold no row.
  const backward = before !== undefined && /^\d+$/.test(before);
  const step = backward ? -1 : 1;
  const afterSlot = after !== undefined && /^\d+$/.test(after) ? Number(after) + 1 : 0;
  const from = backward ? Math.min(Number(before), size) - 1 : afterSlot;
  for (let s = from; s >= 0 && s < size; s += step) {
    const row = rowAt(s);
    if (row === undefined) continue;
    if (rows.length === limit) {
      hasMore = true;
      break;
    }
    rows.push({ slot: s, row });
  }
  if (backward) rows.reverse();
  const first = rows[0];
  const last = rows.at(-1);
  if (!first || !last) return { page: [] };
  const cursors = { before: encodeCursor(String(first.slot)), after: encodeCursor(String(last.slot)) };
  const paging: Paging = { cursors };
  const backwards = before !== undefined;
  if (backwards ? true : hasMore) paging.next = pageUrl(ctx, req, { after: cursors.after }, limit);
  if (backwards ? hasMore : first.slot > 0 && after !== undefined)
    paging.previous = pageUrl(ctx, req, { before: cursors.before }, limit);
  return { page: rows.map((r) => r.row), paging };
}
