import type { AdsSyncContext, Page } from '../contracts/ads.ts';
import { apiCall, apiUrl } from '../kit/api-call.ts';
import type { HttpResponse } from '../kit/http.ts';
import { metaPauseMs, metaUsagePercent } from './usage.ts';

interface Graph<T> {
  data?: T[];
  paging?: { cursors?: { after?: string }; next?: string };
}

/** One Graph call for the sync, with Meta's usage headers turned into a pause before the next. */
export async function graphCall(
  s: AdsSyncContext,
  method: 'GET' | 'POST',
  path: string,
  params: Record<string, string>,
): Promise<HttpResponse> {
  const url = new URL(apiUrl(s.ctx, path));
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const res = await apiCall(s.connector, s.ctx, s.creds, { method, url: url.toString() });
  // Slow down on Meta's own signal before it throttles (ads.md §1.6). The answer is kept: the
  // pause comes before the next call, as a rate-limit wait the sync engine counts and honours.
  const pause = metaPauseMs(metaUsagePercent(res.headers));
  if (pause > 0) s.pendingPauseMs = Math.max(s.pendingPauseMs ?? 0, pause);
  return res;
}

/** One page of a Graph edge; `next` is the `after` cursor, or null on the last page. */
export async function graphPage<T>(
  s: AdsSyncContext,
  path: string,
  params: Record<string, string>,
  after: string | null,
): Promise<Page<T>> {
  const res = await graphCall(s, 'GET', path, after ? { ...params, after } : params);
  const body = res.body as Graph<T>;
  // ads.md §1.4: the last page has no `paging.next` (its `after` cursor may still be present).
  return { records: body.data ?? [], next: body.paging?.next ? (body.paging.cursors?.after ?? null) : null };
}

/** Every page of a (small) Graph edge. */
export async function graphAll<T>(s: AdsSyncContext, path: string, params: Record<string, string>): Promise<T[]> {
  const out: T[] = [];
  let after: string | null = null;
  do {
    const page: Page<T> = await graphPage<T>(s, path, params, after);
    out.push(...page.records);
    after = page.next;
  } while (after);
  return out;
}
