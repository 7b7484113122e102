/**
 * Shared pieces of the `/__sandbox/webhooks` control endpoints, through which tests make a
 * sandbox send an event without changing its data.
 */
import { json, type Router, type SandboxResponse } from './server.ts';
import { text } from './text.ts';

/** A body field that should hold an object (an event payload); anything else counts as empty. */
export function objectField(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** A webhook target a test may register: any text starting http:// or https://. */
export function isWebhookUrl(value: unknown): value is string {
  return typeof value === 'string' && /^https?:\/\//.test(value);
}

/** 202 with the delivery under way, or 409 when no endpoint is registered to receive it. */
export function deliveryReply(delivery: unknown, missing: string): SandboxResponse {
  return delivery ? json(202, { delivery }) : json(409, { error: missing });
}

/** `GET /__sandbox/webhooks`: what the platform has registered, then every delivery so far. */
export function webhookStateRoute(
  control: Router,
  sender: { deliveries(): unknown },
  registered: () => Record<string, unknown>,
): void {
  control.add('GET', '/__sandbox/webhooks', () => json(200, { ...registered(), deliveries: sender.deliveries() }));
}

/** How a platform names its events: the body field that holds the name, and the names it sends. */
export interface EventNames<T extends string> {
  field: string;
  names: readonly T[];
  /** The 400's error code for another name, and the key under which it lists the known ones. */
  unknown: string;
  listKey: string;
}

/** `POST /__sandbox/webhooks/emit` for platforms whose events come from a fixed list of names. */
export function namedEmitRoute<T extends string>(
  control: Router,
  event: EventNames<T>,
  emit: (name: T, body: Record<string, unknown>) => SandboxResponse,
): void {
  control.add('POST', '/__sandbox/webhooks/emit', (req) => {
    const name = text(req.body[event.field]) as T;
    if (!event.names.includes(name)) return json(400, { error: event.unknown, [event.listKey]: event.names });
    return emit(name, req.body);
  });
}
