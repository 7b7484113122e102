import type { AttemptRow, DeliveryRow } from './deliveries.ts';
import type { EndpointRow } from './endpoints.ts';

/** An endpoint as the API shows it: never a secret, only when the rotated-out one stops signing. */
export function formatEndpoint(r: EndpointRow) {
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    event_types: r.event_types,
    status: r.status,
    disabled_reason: r.disabled_reason,
    disabled_at: r.disabled_at,
    previous_secret_expires_at: r.previous_secret_expires_at,
    consecutive_failures: r.consecutive_failures,
    failing_since: r.failing_since,
    last_success_at: r.last_success_at,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

export function formatDelivery(r: DeliveryRow) {
  return {
    id: r.id,
    endpoint_id: r.endpoint_id,
    event_id: r.event_id,
    event_type: r.event_type,
    status: r.status,
    attempts: r.attempts,
    next_attempt_at: r.next_attempt_at,
    last_status_code: r.last_status_code,
    last_latency_ms: r.last_latency_ms,
    last_response_excerpt: r.last_response_excerpt,
    last_error: r.last_error,
    created_at: r.created_at,
    delivered_at: r.delivered_at,
  };
}

export function formatAttempt(r: AttemptRow) {
  return {
    attempt: r.attempt,
    status_code: r.status_code,
    latency_ms: r.latency_ms,
    response_excerpt: r.response_excerpt,
    error: r.error,
    at: r.at,
  };
}
