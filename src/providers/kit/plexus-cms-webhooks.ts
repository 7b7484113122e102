import type { WebhookAdapter } from '../contracts/webhooks.ts';

/**
 * The companion plugin format for CMS without signed webhooks in core (WordPress, Drupal,
 * Joomla): `{"id": "<unique event id>", "topic": "content.updated", "object": {...}}`, posted
 * to the connection's own URL, so no routing key is needed. Documented in docs/webhooks.md.
 */
export const plexusCmsWebhooks: WebhookAdapter = {
  events(body) {
    const b = (body ?? {}) as { id?: unknown; topic?: unknown; object?: unknown };
    return [{ ...(typeof b.id === 'string' || typeof b.id === 'number' ? { eventId: String(b.id) } : {}), topic: typeof b.topic === 'string' ? b.topic : 'unknown', payload: body }];
  },
  action: (e) => (e.topic.startsWith('content.') ? { kind: 'sync', reason: `webhook:${e.topic}` } : { kind: 'none' }),
};
