/** JSON:API calls (cms.md §2.2): documents go out and come back as `application/vnd.api+json`. */
import type { ContentContext } from '../../contracts/content.ts';
import { apiCall, apiUrl } from '../../kit/api-call.ts';
import type { HttpRequest } from '../../kit/http.ts';

export const JSONAPI = 'application/vnd.api+json';

export async function jsonapi<T = Record<string, unknown>>(
  s: ContentContext,
  method: HttpRequest['method'],
  path: string,
  document?: unknown,
): Promise<T> {
  const res = await apiCall(s.connector, s.ctx, s.creds, {
    method,
    url: apiUrl(s.ctx, path),
    headers: { accept: JSONAPI, ...(document === undefined ? {} : { 'content-type': JSONAPI }) },
    ...(document === undefined ? {} : { json: document }),
  });
  return (res.body ?? {}) as T;
}
