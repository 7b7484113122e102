import type { WebhookAdapter } from '../contracts/webhooks.ts';

/** cms.md §5.4: `{triggerType, payload}`; item payloads carry the site id used for routing. */
export const webflowWebhooks: WebhookAdapter = {
  events(body) {
    const b = (body ?? {}) as {
      triggerType?: string;
      payload?: { id?: string; siteId?: string; lastUpdated?: string };
    };
    const p = b.payload ?? {};
    return [{ topic: b.triggerType ?? 'unknown', ...(p.siteId ? { accountRef: p.siteId } : {}), payload: body }];
  },
  action: (e) =>
    e.topic.startsWith('collection_item_') ? { kind: 'sync', reason: `webhook:${e.topic}` } : { kind: 'none' },
};
