import { setTimeout as sleep } from 'node:timers/promises';
import { isPlexusError } from '../../core/errors.ts';
import type { ContentContext } from '../../sync/content/types.ts';
import { apiCall } from '../kit/api-call.ts';
import type { HttpRequest, HttpResponse } from '../kit/http.ts';

/**
 * Admin REST calls that respect the shop's leaky bucket (cms.md §4.5). A 429 is waited out for
 * its `Retry-After` and the call sent again, as Shopify's own libraries do, until the waiting
 * would pass a bound; then the 429 goes to the caller with its delay. While the bucket is full
 * (a 429 seen, or `X-Shopify-Shop-Api-Call-Limit` reporting `n/n`) this process sends one call
 * at a time to that shop, in arrival order: the others wait their turn instead of each drawing
 * 429s and losing the race for every slot that frees.
 */
const MAX_INLINE_WAIT_MS = 20_000;

interface Shop {
  full: boolean;
  /** Resolves when the call ahead in the queue is done. */
  tail: Promise<void>;
}

const shops = new Map<string, Shop>();

function reportsFull(headers: Readonly<Record<string, string>>): boolean {
  const m = /^(\d+)\/(\d+)$/.exec(headers['x-shopify-shop-api-call-limit'] ?? '');
  return m !== null && Number(m[1]) >= Number(m[2]);
}

async function send(s: ContentContext, req: HttpRequest, shop: Shop): Promise<HttpResponse> {
  let waited = 0;
  for (;;) {
    try {
      const res = await apiCall(s.connector, s.ctx, s.creds, req);
      shop.full = reportsFull(res.headers);
      return res;
    } catch (err) {
      const wait = isPlexusError(err) && err.code === 'provider.rate_limited' ? (err.retryAfterMs ?? 1000) : undefined;
      if (wait === undefined || waited + wait > MAX_INLINE_WAIT_MS) throw err;
      shop.full = true;
      waited += wait;
      await sleep(wait);
    }
  }
}

export async function shopifyCall(s: ContentContext, req: HttpRequest): Promise<HttpResponse> {
  const key = `${new URL(req.url).host}|${s.ctx.config.shop ?? ''}`;
  let shop = shops.get(key);
  if (!shop) shops.set(key, (shop = { full: false, tail: Promise.resolve() }));
  if (!shop.full) return send(s, req, shop);
  const ahead = shop.tail;
  let done!: () => void;
  shop.tail = new Promise<void>((r) => (done = r));
  await ahead;
  try {
    return await send(s, req, shop);
  } finally {
    done();
  }
}
