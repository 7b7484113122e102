import type { WebhookAdapter } from '../contracts/webhooks.ts';
import type { WebhookSupport } from '../types.ts';

/**
 * The definition's webhook settings for those CMS: Plexus's own scheme, a secret per connection
 * (shown once when the connection is made), no subscribe API, content topics only.
 */
export const plexusCmsWebhookSupport = {
  supported: true,
  scheme: 'plexus-hmac',
  signatureHeader: 'x-plexus-signature',
  timestampHeader: 'x-plexus-timestamp',
  toleranceSeconds: 300,
  secretSource: 'per_connection',
  subscribeApi: false,
  topics: ['content.created', 'content.updated', 'content.deleted'],
} as const satisfies WebhookSupport;

/**
 * The companion plugin format for CMS without signed webhooks in core (WordPress, Drupal,
 * Joomla): `{"id": "<unique event id>", "topic": "content.updated", "object": {...}}`, posted
 * to the connection's own URL, so no routing key is needed. Documented in docs/webhooks.md.
 */
export const plexusCmsWebhooks: WebhookAdapter = {
  events(body) {
    const b = (body ?? {}) as { id?: unknown; topic?: unknown; object?: unknown };
    return [
      {
        ...(typeof b.id === 'string' || typeof b.id === 'number' ? { eventId: String(b.id) } : {}),
        topic: typeof b.topic === 'string' ? b.topic : 'unknown',
        payload: body,
      },
    ];
  },
  action: (e) => (e.topic.startsWith('content.') ? { kind: 'sync', reason: `webhook:${e.topic}` } : { kind: 'none' }),
};
