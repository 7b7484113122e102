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

/** 202 with the delivery under way, or 409 when no endpoint is registered to receive it. */
export function deliveryReply(delivery: unknown, missing: string): SandboxResponse {
  return delivery ? json(202, { delivery }) : json(409, { error: missing });
}

export interface NamedEmit<T extends string> {
  /** The body field that names the event, and the names the platform sends. */
  field: string;
  names: readonly T[];
  /** The 400's error code, and the key under which it lists the known names. */
  unknown: string;
  listKey: string;
  emit(name: T, body: Record<string, unknown>): SandboxResponse;
}

/** `POST /__sandbox/webhooks/emit` for platforms whose events come from a fixed list of names. */
export function namedEmitRoute<T extends string>(control: Router, spec: NamedEmit<T>): void {
  control.add('POST', '/__sandbox/webhooks/emit', (req) => {
    const name = text(req.body[spec.field]) as T;
    if (!spec.names.includes(name)) return json(400, { error: spec.unknown, [spec.listKey]: spec.names });
    return spec.emit(name, req.body);
  });
}
