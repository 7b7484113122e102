/** An event as stored. */
export interface EventRow {
  id: string;
  type: string;
  payload: unknown;
  created_at: Date;
}

/**
 * The body of a webhook, in the Standard Webhooks payload shape: the event type, when it
 * happened (ISO 8601) and its data. The event id travels as `webhook-id`, the same on every
 * attempt, so receivers can de-duplicate.
 */
export function webhookBody(event: EventRow): string {
  return JSON.stringify({ type: event.type, timestamp: event.created_at.toISOString(), data: event.payload });
}
