/**
 * Connections as the Admin API pages them: `first`/`after` or `last`/`before` (at most 250),
 * opaque cursors, `pageInfo`, `sortKey` + `reverse`, and the `query` search syntax for the
 * filters Plexus uses (`handle:`, `blog_id:`, `status:`, `tag:`, `title:`, `updated_at:>'…'`).
 * Bulk operations read a connection whole, without a page size.
 */
import { GraphQLError } from 'graphql';

export const MAX_PAGE = 250;

export interface ListArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  query?: string | null;
  reverse?: boolean | null;
  sortKey?: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

type Term = { field: string; op: ':' | '>' | '>=' | '<' | '<='; value: string };

/** `a:b c:>'d e'` → terms; bare words match nothing Plexus asks for and are dropped. */
export function parseSearch(q: string | null | undefined): Term[] {
  const out: Term[] = [];
  for (const m of (q ?? '').matchAll(/(\w+):(>=|<=|>|<)?('([^']*)'|"([^"]*)"|\S+)/g)) {
    const value = m[4] ?? m[5] ?? m[3] ?? '';
    out.push({ field: m[1]!.toLowerCase(), op: (m[2] as Term['op'] | undefined) ?? ':', value });
  }
  return out;
}

export function matchesTerm(actual: string | number | null | undefined | readonly string[], t: Term): boolean {
  if (typeof actual === 'object' && actual !== null)
    return actual.some((a) => a.toLowerCase() === t.value.toLowerCase());
  if (t.op === ':') return String(actual ?? '').toLowerCase() === t.value.toLowerCase();
  const a = typeof actual === 'number' ? actual : Date.parse(String(actual));
  const b = Date.parse(t.value);
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  return t.op === '>' ? a > b : t.op === '>=' ? a >= b : t.op === '<' ? a < b : a <= b;
}

function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify({ k: key })).toString('base64');
}

function decodeCursor(c: string): (string | number)[] {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64').toString('utf8')) as { k?: unknown };
    if (Array.isArray(v.k)) return v.k as (string | number)[];
  } catch {
    // fall through
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: 'BAD_REQUEST' } });
}

function compare(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Sorts by the key, applies the cursor window and the page size. */
export function paginate<T>(
  items: readonly T[],
  args: ListArgs,
  keyOf: (item: T, sortKey: string) => (string | number)[],
  bulk: boolean,
): Connection<T> {
  const sortKey = args.sortKey ?? 'ID';
  if (!bulk && (args.first == null) === (args.last == null)) {
    throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'BAD_REQUEST' } });
  }
  const size = args.first ?? args.last ?? Number.POSITIVE_INFINITY;
  if (!bulk && (size < 0 || size > MAX_PAGE)) {
    throw new GraphQLError(`The maximum page size is ${MAX_PAGE}; requested ${size}.`, {
      extensions: { code: 'MAX_PAGE_SIZE_EXCEEDED' },
    });
  }
  const keyed = items.map((item) => ({ item, key: keyOf(item, sortKey) }));
  keyed.sort((a, b) => compare(a.key, b.key) * (args.reverse ? -1 : 1));
  let window = keyed;
  const dir = args.reverse ? -1 : 1;
  if (args.after) {
    const k = decodeCursor(args.after);
    window = window.filter((e) => compare(e.key, k) * dir > 0);
  }
  if (args.before) {
    const k = decodeCursor(args.before);
    window = window.filter((e) => compare(e.key, k) * dir < 0);
  }
  const page =
    args.last != null && args.first == null ? window.slice(Math.max(0, window.length - size)) : window.slice(0, size);
  const startIdx = page.length ? window.indexOf(page[0]!) : 0;
  const edges = page.map((e) => ({ cursor: encodeCursor(e.key), node: e.item }));
  return {
    edges,
    nodes: page.map((e) => e.item),
    pageInfo: {
      hasNextPage: startIdx + page.length < window.length || (args.before ? window.length < keyed.length : false),
      hasPreviousPage: startIdx > 0 || Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
