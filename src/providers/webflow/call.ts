import { setTimeout as sleep } from 'node:timers/promises';
import { isPlexusError } from '../../core/errors.ts';
import type { ContentContext } from '../../sync/content/types.ts';
import { apiCall, apiUrl } from '../kit/api-call.ts';
import type { HttpRequest, HttpResponse } from '../kit/http.ts';

/**
 * One Data API call. Webflow allows 60 or 120 requests a minute per token and answers a 429
 * with `Retry-After` (usually 60 s, cms.md §5.5): the call waits that long and is sent again,
 * a few times, before the 429 reaches the caller with its delay.
 */
const MAX_ATTEMPTS = 4;
const MAX_INLINE_WAIT_MS = 65_000;

export async function wfCall(s: ContentContext, method: HttpRequest['method'], path: string, json?: unknown): Promise<HttpResponse> {
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

/** The call's answer, or null when the platform says the object does not exist. */
export async function wfFind<T>(s: ContentContext, path: string): Promise<T | null> {
  try {
    return (await wfCall(s, 'GET', path)).body as T;
  } catch (err) {
    if (isPlexusError(err) && err.code === 'provider.not_found') return null;
    throw err;
  }
}

/** Waits for a call whose "no such object" answer is as good as success (deleting what is gone). */
export async function unlessMissing(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (err) {
    if (!(isPlexusError(err) && err.code === 'provider.not_found')) throw err;
  }
}
