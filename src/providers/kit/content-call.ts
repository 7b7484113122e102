import { setTimeout as sleep } from 'node:timers/promises';
import { isPlexusError } from '../../core/errors.ts';
import type { ContentContext } from '../contracts/content.ts';
import { apiCall, apiUrl } from './api-call.ts';
import type { HttpRequest, HttpResponse } from './http.ts';

/**
 * Calls to a content API that throttles per token and answers a 429 with `Retry-After`
 * (Webflow, Wix). The call waits that long and is sent again, a few times, before the 429
 * reaches the caller with its delay: a short throttle costs a pause, not a failed job.
 */
export interface InlineRetry {
  /** The longest `Retry-After` waited out inside the call; a longer one goes to the caller at once. */
  maxInlineWaitMs: number;
  /** The wait when a 429 names none. */
  defaultWaitMs: number;
}

/** Sends of one call at most, the first included. */
const MAX_ATTEMPTS = 4;

/** Plain functions (no `this`), so a provider can destructure them. */
export interface ContentCalls {
  call: (s: ContentContext, method: HttpRequest['method'], path: string, json?: unknown) => Promise<HttpResponse>;
  /** A GET's body, or null when the platform says the object does not exist. */
  find: <T>(s: ContentContext, path: string) => Promise<T | null>;
}

export function contentCalls(retry: InlineRetry): ContentCalls {
  async function call(
    s: ContentContext,
    method: HttpRequest['method'],
    path: string,
    json?: unknown,
  ): Promise<HttpResponse> {
    const req: HttpRequest = { method, url: apiUrl(s.ctx, path), ...(json === undefined ? {} : { json }) };
    for (let attempt = 1; ; attempt++) {
      try {
        return await apiCall(s.connector, s.ctx, s.creds, req);
      } catch (err) {
        const wait =
          isPlexusError(err) && err.code === 'provider.rate_limited'
            ? (err.retryAfterMs ?? retry.defaultWaitMs)
            : undefined;
        if (wait === undefined || wait > retry.maxInlineWaitMs || attempt >= MAX_ATTEMPTS) throw err;
        await sleep(wait);
      }
    }
  }
  return {
    call,
    async find<T>(s: ContentContext, path: string): Promise<T | null> {
      const res = await missingAsNull(call(s, 'GET', path));
      return res === null ? null : (res.body as T);
    },
  };
}

const isMissing = (err: unknown) => isPlexusError(err) && err.code === 'provider.not_found';

/** The call's result, or null when the platform says the object does not exist. */
export async function missingAsNull<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

/** Waits for a call whose "no such object" answer is as good as success (deleting what is gone). */
export async function unlessMissing(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
}
