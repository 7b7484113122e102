/**
 * Wix's query language over plain records: `filter` with `$eq/$ne/$gt/$gte/$lt/$lte/$in/$hasSome/
 * $contains/$startsWith/$and/$or/$not`, `sort: [{fieldName, order}]`, and either offset `paging`
 * or `cursorPaging`, answered with `pagingMetadata`. Values written as `{"$date": …}` compare as dates.
 */
import type { SandboxRequest } from '../../../sandbox/kit/server.ts';
import { text } from '../../../sandbox/kit/text.ts';

export interface QueryInput {
  filter?: Record<string, unknown>;
  sort?: { fieldName: string; order?: 'ASC' | 'DESC' }[];
  paging?: { limit?: number; offset?: number };
  cursorPaging?: { limit?: number; cursor?: string | null };
}

export function wixError(
  status: number,
  message: string,
  code?: string,
  headers: Record<string, string> = {},
): { status: number; headers: Record<string, string>; body: unknown } {
  return {
    status,
    headers,
    body: { message, details: code ? { applicationError: { code, description: message, data: {} } } : {} },
  };
}

function norm(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v) && '$date' in v)
    return Date.parse(String((v as Record<string, unknown>)['$date']));
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return Date.parse(v);
  return v;
}

function get(rec: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), rec);
}

export function matches(rec: Record<string, unknown>, filter: Record<string, unknown> | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([key, cond]) => {
    if (key === '$and') return (cond as Record<string, unknown>[]).every((f) => matches(rec, f));
    if (key === '$or') return (cond as Record<string, unknown>[]).some((f) => matches(rec, f));
    if (key === '$not') return !matches(rec, cond as Record<string, unknown>);
    const actual = norm(get(rec, key));
    const isOps =
      cond &&
      typeof cond === 'object' &&
      !Array.isArray(cond) &&
      Object.keys(cond).every((k) => k.startsWith('$')) &&
      !('$date' in cond);
    if (!isOps) return actual === norm(cond);
    return Object.entries(cond as Record<string, unknown>).every(([op, raw]) => {
      const v = norm(raw) as never;
      const a = actual as never;
      switch (op) {
        case '$eq':
          return actual === v;
        case '$ne':
          return actual !== v;
        case '$gt':
          return actual !== undefined && a > v;
        case '$gte':
          return actual !== undefined && a >= v;
        case '$lt':
          return actual !== undefined && a < v;
        case '$lte':
          return actual !== undefined && a <= v;
        case '$in':
          return (raw as unknown[]).map(norm).includes(actual);
        case '$hasSome':
          return Array.isArray(actual) && (raw as unknown[]).some((x) => (actual as unknown[]).includes(x));
        case '$contains':
          return text(actual).toLowerCase().includes(String(raw).toLowerCase());
        case '$startsWith':
          return text(actual).toLowerCase().startsWith(String(raw).toLowerCase());
        case '$exists':
          return (actual !== undefined) === Boolean(raw);
        default:
          return false;
      }
    });
  });
}

export interface Page<T> {
  items: T[];
  pagingMetadata: Record<string, unknown>;
}

export function runQuery<T extends Record<string, unknown>>(
  rows: T[],
  q: QueryInput,
  opts: { defaultLimit: number; maxLimit: number; withTotal: boolean },
): Page<T> | { error: string } {
  let out = rows.filter((r) => matches(r, q.filter));
  const sorts = q.sort ?? [];
  out.sort((a, b) => {
    for (const s of sorts) {
      const x = norm(get(a, s.fieldName)) as number | string;
      const y = norm(get(b, s.fieldName)) as number | string;
      if (x !== y) return (x < y ? -1 : 1) * (s.order === 'DESC' ? -1 : 1);
    }
    return 0;
  });
  const total = out.length;
  if (q.cursorPaging) {
    const limit = q.cursorPaging.limit ?? opts.defaultLimit;
    if (limit > opts.maxLimit || limit < 0) return { error: `paging.limit must be at most ${opts.maxLimit}` };
    let offset = 0;
    if (q.cursorPaging.cursor) {
      try {
        offset =
          Number((JSON.parse(Buffer.from(q.cursorPaging.cursor, 'base64url').toString()) as { o?: unknown }).o) || 0;
      } catch {
        return { error: 'invalid cursor' };
      }
    }
    out = out.slice(offset, offset + limit);
    const hasNext = offset + limit < total;
    return {
      items: out,
      pagingMetadata: {
        count: out.length,
        ...(opts.withTotal ? { total } : {}),
        cursors: hasNext ? { next: Buffer.from(JSON.stringify({ o: offset + limit })).toString('base64url') } : {},
        hasNext,
      },
    };
  }
  const limit = q.paging?.limit ?? opts.defaultLimit;
  const offset = q.paging?.offset ?? 0;
  if (limit > opts.maxLimit || limit < 0) return { error: `paging.limit must be at most ${opts.maxLimit}` };
  out = out.slice(offset, offset + limit);
  return {
    items: out,
    pagingMetadata: { count: out.length, offset, total, tooManyToCount: false, hasNext: offset + limit < total },
  };
}

/** Body of a query: the documented POST body, or the SDK's `GET …/query?.r=<base64url JSON>`. */
export function queryBody(req: SandboxRequest): Record<string, unknown> | undefined {
  if (req.method === 'POST') return req.body;
  const r = req.url.searchParams.get('.r');
  if (r === null) return {};
  try {
    const v: unknown = JSON.parse(Buffer.from(r, 'base64url').toString('utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
