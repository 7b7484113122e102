/** Web Services calls (cms.md §3.2): JSON:API-shaped answers, plain JSON request bodies. */
import type { ContentContext } from '../../contracts/content.ts';
import { apiCall, apiUrl } from '../../kit/api-call.ts';
import type { HttpRequest } from '../../kit/http.ts';

export async function joomla<T = Record<string, unknown>>(
  s: ContentContext,
  method: HttpRequest['method'],
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await apiCall(s.connector, s.ctx, s.creds, {
    method,
    url: apiUrl(s.ctx, path),
    headers: { accept: 'application/vnd.api+json' },
    ...(body === undefined ? {} : { json: body }),
  });
  return (res.body ?? {}) as T;
}

export function statusOf(err: unknown): number | undefined {
  const status = (err as { details?: { status?: unknown } } | null)?.details?.status;
  return typeof status === 'number' ? status : undefined;
}
