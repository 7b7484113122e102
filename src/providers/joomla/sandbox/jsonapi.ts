/** The JSON:API answer shapes the articles and the category and tag trees share. */
import type { SandboxResponse } from '../../../sandbox/kit/server.ts';

export const API_CT = 'application/vnd.api+json; charset=utf-8';

export function jerror(status: number, title: string): SandboxResponse {
  return { status, headers: { 'content-type': API_CT }, body: { errors: [{ title, code: status }] } };
}

/**
 * A list answer as Joomla's API gives it: `page[offset]`/`page[limit]` over the sorted rows
 * (an offset past the end is a 404), first/previous/next/last links and `meta.total-pages`.
 */
export function listPage<T>(
  self: string,
  rows: T[],
  offset: number,
  limit: number,
  render: (row: T) => unknown,
): SandboxResponse {
  const total = rows.length;
  if (offset > 0 && offset >= total) return jerror(404, 'Resource not found');
  const totalPages = Math.max(1, Math.ceil(total / limit));
  const pageUrl = (o: number) => {
    const u = new URL(self);
    u.searchParams.set('page[offset]', String(o));
    u.searchParams.set('page[limit]', String(limit));
    return u.toString();
  };
  const links: Record<string, string> = { self };
  if (total > limit) {
    links['first'] = pageUrl(0);
    if (offset > 0) links['previous'] = pageUrl(Math.max(0, offset - limit));
    if (offset + limit < total) links['next'] = pageUrl(offset + limit);
    links['last'] = pageUrl((totalPages - 1) * limit);
  }
  return {
    status: 200,
    headers: { 'content-type': API_CT },
    body: { links, data: rows.slice(offset, offset + limit).map(render), meta: { 'total-pages': totalPages } },
  };
}

export function dbDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
