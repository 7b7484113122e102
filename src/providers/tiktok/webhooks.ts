import type { WebhookAdapter } from '../contracts/webhooks.ts';

/**
 * ads.md §3.7: `{client_key, event, create_time, user_openid, content}` where `content` is a
 * JSON string to parse a second time; no event id, so the event hashes to its dedupe key.
 */
export const tiktokWebhooks: WebhookAdapter = {
  events(body) {
    const b = (body ?? {}) as { event?: string; content?: unknown; create_time?: number };
    let content: unknown = b.content;
    if (typeof content === 'string') {
      try {
        content = JSON.parse(content);
      } catch {
        // keep the string: the event is still stored and visible
      }
    }
    const c = (content ?? {}) as { advertiser_id?: string | number };
    return [
      {
        topic: b.event ?? 'unknown',
        ...(c.advertiser_id !== undefined ? { accountRef: String(c.advertiser_id) } : {}),
        payload: { ...b, content },
      },
    ];
  },
  action: (e) => (e.topic === 'API_SERVICE_STATUS' ? { kind: 'none' } : { kind: 'sync', reason: `webhook:${e.topic}` }),
};
