import { createHmac } from 'node:crypto';
import { safeEqual } from '../../core/safe-equal.ts';
import { plexusError } from '../../core/errors.ts';
import type { Connector } from '../contracts/connector.ts';
import { classifyShopify } from './errors.ts';
import { numericId, toGid } from './gid.ts';
import { payload, shopifyGraphql } from './graphql-call.ts';
import { SHOP, WEBHOOK_CREATE, WEBHOOK_DELETE } from './operations.ts';

const SHOP_DOMAIN = /^[a-zA-Z0-9][a-zA-Z0-9-_]*\.(myshopify\.com|shopify\.com|myshopify\.io|shop\.dev)\/*$/;
const CALLBACK_MAX_SKEW_S = 90;

/**
 * cms.md §4.1: the callback query is signed: drop `hmac` and `signature`, sort the rest,
 * join as `k=v&k=v`, hex HMAC-SHA256 with the app secret, compare in constant time; the
 * timestamp must be within 90 s and the shop a real Shopify domain, the one we sent.
 */
export function verifyShopifyQuery(
  query: Readonly<Record<string, string>>,
  secret: string | undefined,
  nowMs: number,
): void {
  const given = query.hmac ?? '';
  if (!secret)
    throw plexusError('provider_not_configured', { message: 'Shopify is not configured: set its client secret.' });
  const message = Object.keys(query)
    .filter((k) => k !== 'hmac' && k !== 'signature')
    .sort()
    .map((k) => `${k}=${query[k]}`)
    .join('&');
  const expected = createHmac('sha256', secret).update(message).digest();
  const got = /^[0-9a-f]{64}$/i.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0);
  if (!safeEqual(got, expected)) {
    throw plexusError('unprocessable', {
      message: 'The Shopify callback signature is invalid.',
      details: { reason: 'bad_hmac' },
    });
  }
  const ts = Number(query.timestamp);
  if (!Number.isFinite(ts) || Math.abs(nowMs / 1000 - ts) > CALLBACK_MAX_SKEW_S) {
    throw plexusError('unprocessable', {
      message: 'The Shopify callback is too old.',
      details: { reason: 'stale_timestamp' },
    });
  }
  if (!SHOP_DOMAIN.test(query.shop ?? ''))
    throw plexusError('unprocessable', {
      message: 'The callback names an invalid shop domain.',
      details: { reason: 'bad_shop' },
    });
}

export const shopifyConnector: Connector = {
  classify: classifyShopify,

  verifyCallback(ctx, query) {
    verifyShopifyQuery(query, ctx.app.clientSecret, ctx.clock.now().getTime());
    const expected = `${ctx.config.shop}.myshopify.com`;
    if (query.shop !== expected)
      throw plexusError('unprocessable', {
        message: 'The callback names another shop than the one being connected.',
        details: { reason: 'shop_mismatch' },
      });
  },

  // One subscription per topic (webhookSubscriptionCreate with `uri`), all to the same address;
  // the ids kept are the subscriptions' gids.
  async subscribeWebhooks(ctx, creds, callbackUrl) {
    const wh = ctx.def.webhooks;
    if (!wh.supported) return [];
    const c = { connector: shopifyConnector, ctx, creds };
    const ids: string[] = [];
    for (const topic of wh.topics) {
      const data = await shopifyGraphql(c, WEBHOOK_CREATE, {
        topic: topic.toUpperCase().replace('/', '_'),
        sub: { uri: callbackUrl, format: 'JSON' },
      });
      const id = payload<{ webhookSubscription: { id: string } | null }>(data, 'webhookSubscriptionCreate')
        .webhookSubscription?.id;
      if (id) ids.push(id);
    }
    return ids;
  },

  async unsubscribeWebhooks(ctx, creds, ids) {
    const c = { connector: shopifyConnector, ctx, creds };
    for (const id of ids) {
      await shopifyGraphql(c, WEBHOOK_DELETE, { id: toGid('WebhookSubscription', id) }).catch(() => undefined);
    }
  },

  async identify(ctx, creds) {
    const { shop } = await shopifyGraphql<{ shop?: { id?: string; name?: string; myshopifyDomain?: string } }>(
      { connector: shopifyConnector, ctx, creds },
      SHOP,
    );
    if (!shop?.id)
      throw plexusError('provider.invalid_request', { message: 'Shopify answered the shop query without a shop.' });
    const shopId = numericId(shop.id);
    return {
      externalAccountId: shop.myshopifyDomain ?? `${ctx.config.shop}.myshopify.com`,
      displayName: shop.name ?? String(shop.myshopifyDomain),
      config: { shopId },
      accountRefs: [shopId],
    };
  },
};
