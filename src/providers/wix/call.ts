import { setTimeout as sleep } from 'node:timers/promises';
import { isPlexusError } from '../../core/errors.ts';
import type { ContentContext } from '../../sync/content/types.ts';
import { apiCall, apiUrl } from '../kit/api-call.ts';
import type { HttpRequest, HttpResponse } from '../kit/http.ts';

/**
 * One Wix REST call. Wix throttles an app instance past about 200 requests a minute (cms.md
 * §6.5) with a 429: the call waits its `Retry-After` (a minute when absent) and is sent again a
 * few times before the 429 reaches the caller with its delay.
 */
const MAX_ATTEMPTS = 4;
const MAX_INLINE_WAIT_MS = 65_000;

export async function wixCall(s: ContentContext, method: HttpRequest['method'], path: string, json?: unknown): Promise<HttpResponse> {
  const req: HttpRequest = { method, url: apiUrl(s.ctx, path), ...(json === undefined ? {} : { json }) };
  for (let attempt = 1; ; attempt++) {
    try {
      return await apiCall(s.connector, s.ctx, s.creds, req);
    } catch (err) {
      const wait = isPlexusError(err) && err.code === 'provider.rate_limited' ? (err.retryAfterMs ?? 60_000) : undefined;
      if (wait === undefined || wait > MAX_INLINE_WAIT_MS || attempt >= MAX_ATTEMPTS) throw err;
      await sleep(wait);
    }
  }
}

/** The call's answer, or null when Wix says the object does not exist. */
export async function wixFind<T>(s: ContentContext, path: string): Promise<T | null> {
  try {
    return (await wixCall(s, 'GET', path)).body as T;
  } catch (err) {
    if (isPlexusError(err) && err.code === 'provider.not_found') return null;
    throw err;
  }
}
