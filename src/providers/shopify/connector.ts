import { createHmac, timingSafeEqual } from 'node:crypto';
import { plexusError } from '../../core/errors.ts';
import type { Connector } from '../connector.ts';
import { apiCall, apiUrl } from '../kit/api-call.ts';
import { classifyShopify } from './errors.ts';

const SHOP_DOMAIN = /^[a-zA-Z0-9][a-zA-Z0-9-_]*\.(myshopify\.com|shopify\.com|myshopify\.io|shop\.dev)\/*$/;
const CALLBACK_MAX_SKEW_S = 90;

/**
 * cms.md §4.1: the callback query is signed: drop `hmac` and `signature`, sort the rest,
 * join as `k=v&k=v`, hex HMAC-SHA256 with the app secret, compare in constant time; the
 * timestamp must be within 90 s and the shop a real Shopify domain, the one we sent.
 */
export function verifyShopifyQuery(query: Readonly<Record<string, string>>, secret: string | undefined, nowMs: number): void {
  const given = query.hmac ?? '';
  if (!secret) throw plexusError('provider_not_configured', { message: 'Shopify is not configured: set its client secret.' });
  const message = Object.keys(query)
    .filter((k) => k !== 'hmac' && k !== 'signature')
    .sort()
    .map((k) => `${k}=${query[k]}`)
    .join('&');
  const expected = createHmac('sha256', secret).update(message).digest();
  const got = /^[0-9a-f]{64}$/i.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0);
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
    throw plexusError('unprocessable', { message: 'The Shopify callback signature is invalid.', details: { reason: 'bad_hmac' } });
  }
  const ts = Number(query.timestamp);
  if (!Number.isFinite(ts) || Math.abs(nowMs / 1000 - ts) > CALLBACK_MAX_SKEW_S) {
    throw plexusError('unprocessable', { message: 'The Shopify callback is too old.', details: { reason: 'stale_timestamp' } });
  }
  if (!SHOP_DOMAIN.test(query.shop ?? '')) throw plexusError('unprocessable', { message: 'The callback names an invalid shop domain.', details: { reason: 'bad_shop' } });
}

export const shopifyConnector: Connector = {
  classify: classifyShopify,

  verifyCallback(ctx, query) {
    verifyShopifyQuery(query, ctx.app.clientSecret, ctx.clock.now().getTime());
    const expected = `${ctx.config.shop}.myshopify.com`;
    if (query.shop !== expected) throw plexusError('unprocessable', { message: 'The callback names another shop than the one being connected.', details: { reason: 'shop_mismatch' } });
  },

  // cms.md §4.4: one subscription per topic (REST webhooks.json), all to the same address.
  async subscribeWebhooks(ctx, creds, callbackUrl) {
    const wh = ctx.def.webhooks;
    if (!wh.supported) return [];
    const ids: string[] = [];
    for (const topic of wh.topics) {
      if (topic === 'bulk_operations/finish') continue; // GraphQL-only topic
      const res = await apiCall(shopifyConnector, ctx, creds, { method: 'POST', url: apiUrl(ctx, '/webhooks.json'), json: { webhook: { topic, address: callbackUrl, format: 'json' } } });
      const id = (res.body as { webhook?: { id?: number | string } }).webhook?.id;
      if (id !== undefined) ids.push(String(id));
    }
    return ids;
  },

  async unsubscribeWebhooks(ctx, creds, ids) {
    for (const id of ids) await apiCall(shopifyConnector, ctx, creds, { method: 'DELETE', url: apiUrl(ctx, `/webhooks/${id}.json`) }).catch(() => undefined);
  },

  async identify(ctx, creds) {
    const res = await apiCall(shopifyConnector, ctx, creds, { method: 'GET', url: apiUrl(ctx, '/shop.json') });
    const shop = (res.body as { shop?: { id?: number | string; name?: string; myshopify_domain?: string } }).shop;
    if (!shop?.id) throw plexusError('provider.invalid_request', { message: 'Shopify shop.json answered without a shop.' });
    return { externalAccountId: shop.myshopify_domain ?? `${ctx.config.shop}.myshopify.com`, displayName: shop.name ?? String(shop.myshopify_domain), config: { shopId: String(shop.id) }, accountRefs: [String(shop.id)] };
  },
};
