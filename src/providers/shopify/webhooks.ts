import type { WebhookAdapter } from '../contracts/webhooks.ts';

/**
 * cms.md §4.4: one event per POST; the topic, shop and event id travel in headers
 * (X-Shopify-Topic, X-Shopify-Shop-Domain, X-Shopify-Webhook-Id, the same on retries).
 */
export const shopifyWebhooks: WebhookAdapter = {
  events(body, headers) {
    const id = headers['x-shopify-webhook-id'] ?? headers['x-shopify-event-id'];
    const shop = headers['x-shopify-shop-domain'];
    return [
      {
        ...(id ? { eventId: id } : {}),
        topic: headers['x-shopify-topic'] ?? 'unknown',
        ...(shop ? { accountRef: shop } : {}),
        payload: body,
      },
    ];
  },
  action(e) {
    // The merchant removed the app: the token is dead, a person must reinstall.
    if (e.topic === 'app/uninstalled') return { kind: 'reauth', reason: 'app_uninstalled' };
    if (/^(articles|blogs|pages|products)\//.test(e.topic)) return { kind: 'sync', reason: `webhook:${e.topic}` };
    return { kind: 'none' };
  },
};
