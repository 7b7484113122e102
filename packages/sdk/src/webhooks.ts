import { Webhook } from 'standardwebhooks';
import type { components } from './generated/schema.ts';

export type WebhookEvent = components['schemas']['WebhookEvent'];
export type WebhookEventType = WebhookEvent['type'];

/**
 * Verifies a Plexus webhook (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`) over the exact bytes received, and returns the typed event. Throws when
 * the signature does not verify or the timestamp is too far from now (replays).
 */
export function verifyWebhook(
  rawBody: string | Buffer,
  headers: Record<string, string | string[] | undefined> | Headers,
  secret: string,
): WebhookEvent {
  const get = (name: string) => {
    const v = headers instanceof Headers ? headers.get(name) : (headers[name] ?? headers[name.toLowerCase()]);
    return Array.isArray(v) ? v[0] : (v ?? undefined);
  };
  const h = {
    'webhook-id': get('webhook-id') ?? '',
    'webhook-timestamp': get('webhook-timestamp') ?? '',
    'webhook-signature': get('webhook-signature') ?? '',
  };
  return new Webhook(secret).verify(
    typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'),
    h,
  ) as WebhookEvent;
}
