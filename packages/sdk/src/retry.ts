/**
 * A fetch that tries again on 429 and 5xx (and on network errors), waiting what the server's
 * `Retry-After` says or else an exponential back-off with jitter. A create carries its
 * Idempotency-Key on every attempt, so a retried create runs once.
 */
export interface RetryOptions {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function retryingFetch(inner: typeof fetch, opts: RetryOptions): (input: Request) => Promise<Response> {
  return async (input) => {
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= opts.maxRetries;
      let res: Response;
      try {
        res = await inner(last ? input : input.clone());
      } catch (err) {
        if (last) throw err;
        await sleep(backoff(attempt, opts));
        continue;
      }
      if (last || (res.status !== 429 && res.status < 500)) return res;
      const wait = retryAfterMs(res.headers.get('retry-after')) ?? backoff(attempt, opts);
      await res.body?.cancel();
      await sleep(Math.min(wait, opts.maxDelayMs));
    }
  };
}

function backoff(attempt: number, opts: RetryOptions): number {
  const exp = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** attempt);
  return exp / 2 + Math.random() * (exp / 2);
}
