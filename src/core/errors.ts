/**
 * The one registry of error codes. Every error that leaves the API or steers a job's retry
 * comes from here: a stable machine code, an HTTP status, a default message and whether a
 * job that failed with it should be tried again. Codes are never reused once retired.
 */

export type RetryClass = 'retryable' | 'permanent';

interface ErrorSpec {
  status: number;
  message: string;
  retry: RetryClass;
}

/** A code whose failure will not go away by itself: a job that meets it stops. */
function permanent(status: number, message: string): ErrorSpec {
  return { status, message, retry: 'permanent' };
}

/** A code for a passing condition: a job that meets it is tried again. */
function retryable(status: number, message: string): ErrorSpec {
  return { status, message, retry: 'retryable' };
}

export const ERROR_CODES = {
  // request shape
  invalid_json: permanent(400, 'The request body is not valid JSON.'),
  validation_failed: permanent(400, 'The request did not pass validation.'),
  payload_too_large: permanent(413, 'The request body is too large.'),
  uri_too_long: permanent(414, 'The request URL or one of its path values is too long.'),
  header_too_large: permanent(431, 'The request headers are too large.'),
  unsupported_media_type: permanent(415, 'Unsupported content type.'),
  // auth
  missing_api_key: permanent(401, 'An API key is required (Authorization: Bearer <key>).'),
  invalid_api_key: permanent(401, 'The API key is unknown or revoked.'),
  forbidden: permanent(403, 'This key may not perform that action.'),
  portal_session_invalid: permanent(
    401,
    'The portal session has expired, was revoked or is unknown; open the portal again from the application.',
  ),
  csrf_failed: permanent(403, "A portal write must carry the session's CSRF token in the X-CSRF-Token header."),
  portal_read_only: permanent(403, 'This portal session is read only.'),
  // resources
  not_found: permanent(404, 'The resource does not exist.'),
  route_not_found: permanent(404, 'No such route.'),
  conflict: permanent(409, 'The request conflicts with the current state.'),
  unprocessable: permanent(422, 'The request is well-formed but cannot be processed.'),
  idempotency_key_reused: permanent(409, 'This Idempotency-Key was used with a different request; use a new key.'),
  idempotency_in_progress: retryable(
    409,
    'A request with this Idempotency-Key is still being processed; retry shortly.',
  ),
  rate_limited: retryable(429, 'Too many requests; retry after the indicated delay.'),
  // server and dependencies
  internal_error: retryable(500, 'Internal error.'),
  unavailable: retryable(503, 'A dependency is unavailable.'),
  credentials_invalid: permanent(422, 'The platform refused these credentials.'),
  refresh_refused: permanent(422, 'The platform refused to refresh the token; the connection needs re-authorization.'),
  provider_not_configured: permanent(422, 'This platform is not configured on this Plexus.'),
  // inbound webhooks
  webhook_signature_invalid: permanent(401, 'The webhook signature is missing or does not verify.'),
  webhook_not_configured: permanent(401, 'Webhooks from this platform are not configured (no secret): refused.'),
  webhook_unsupported: permanent(404, 'This platform does not send webhooks here.'),
  // vault
  vault_open_failed: permanent(500, 'A sealed secret could not be opened.'),
  vault_unknown_key: permanent(500, 'A sealed secret names a master key that is not configured.'),
  // providers (used by clients to classify platform answers)
  'provider.rate_limited': retryable(429, 'The platform is rate limiting requests.'),
  'provider.unavailable': retryable(502, 'The platform is unavailable.'),
  'provider.timeout': retryable(504, 'The platform did not answer in time.'),
  'provider.auth_expired': retryable(401, 'The platform token has expired.'),
  'provider.auth_revoked': permanent(401, 'The platform revoked access; the connection needs re-authorization.'),
  'provider.invalid_request': permanent(422, 'The platform rejected the request.'),
  'provider.not_found': permanent(404, 'The platform has no such object.'),
  // The platform retired the API version Plexus calls (LinkedIn 426, Meta #2635, Google UNSUPPORTED_VERSION):
  // no retry helps until the version is moved (docs/platforms/<id>.md §Version).
  'provider.version_sunset': permanent(
    502,
    'The platform no longer serves the API version Plexus is configured for; move PLEXUS_<ID>_VERSION or upgrade Plexus.',
  ),
  // content sync
  'content.remote_changed': retryable(
    409,
    'The item changed on the site since it was read; it goes through the merge again.',
  ),
  'content.conflict_open': permanent(409, 'The item has an open conflict on this target; resolve it first.'),
  // jobs
  'job.invalid_payload': permanent(500, 'The job payload does not match its task schema.'),
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Codes that were in the registry and are gone: clients may still match on them, so no new error takes one. */
export const RETIRED_CODES: readonly string[] = ['job.unknown_task'];

export interface PlexusErrorOptions {
  message?: string;
  details?: unknown;
  /** When the caller (or a job) should come back, e.g. from a platform's Retry-After. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class PlexusError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retry: RetryClass;
  readonly details: unknown;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, opts: PlexusErrorOptions = {}) {
    const spec: ErrorSpec = ERROR_CODES[code];
    super(opts.message ?? spec.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PlexusError';
    this.code = code;
    this.status = spec.status;
    this.retry = spec.retry;
    this.details = opts.details;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

export function plexusError(code: ErrorCode, opts?: PlexusErrorOptions): PlexusError {
  return new PlexusError(code, opts);
}

export function isPlexusError(err: unknown): err is PlexusError {
  return err instanceof PlexusError;
}

/** A thrown value in words: an Error's message, anything else (a string, a number thrown) as its text. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Retry class of any thrown value: unknown errors are assumed transient (a bug retried is logged; a blip dropped is lost). */
export function retryClassOf(err: unknown): RetryClass {
  return isPlexusError(err) ? err.retry : 'retryable';
}

/** The JSON body every API error has. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; request_id?: string };
}
