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

export const ERROR_CODES = {
  // request shape
  invalid_json: { status: 400, message: 'The request body is not valid JSON.', retry: 'permanent' },
  validation_failed: { status: 400, message: 'The request did not pass validation.', retry: 'permanent' },
  payload_too_large: { status: 413, message: 'The request body is too large.', retry: 'permanent' },
  uri_too_long: { status: 414, message: 'The request URL or one of its path values is too long.', retry: 'permanent' },
  header_too_large: { status: 431, message: 'The request headers are too large.', retry: 'permanent' },
  unsupported_media_type: { status: 415, message: 'Unsupported content type.', retry: 'permanent' },
  // auth
  missing_api_key: {
    status: 401,
    message: 'An API key is required (Authorization: Bearer <key>).',
    retry: 'permanent',
  },
  invalid_api_key: { status: 401, message: 'The API key is unknown or revoked.', retry: 'permanent' },
  forbidden: { status: 403, message: 'This key may not perform that action.', retry: 'permanent' },
  portal_session_invalid: {
    status: 401,
    message: 'The portal session has expired, was revoked or is unknown; open the portal again from the application.',
    retry: 'permanent',
  },
  csrf_failed: {
    status: 403,
    message: "A portal write must carry the session's CSRF token in the X-CSRF-Token header.",
    retry: 'permanent',
  },
  portal_read_only: { status: 403, message: 'This portal session is read only.', retry: 'permanent' },
  // resources
  not_found: { status: 404, message: 'The resource does not exist.', retry: 'permanent' },
  route_not_found: { status: 404, message: 'No such route.', retry: 'permanent' },
  conflict: { status: 409, message: 'The request conflicts with the current state.', retry: 'permanent' },
  unprocessable: { status: 422, message: 'The request is well-formed but cannot be processed.', retry: 'permanent' },
  idempotency_key_reused: {
    status: 409,
    message: 'This Idempotency-Key was used with a different request; use a new key.',
    retry: 'permanent',
  },
  idempotency_in_progress: {
    status: 409,
    message: 'A request with this Idempotency-Key is still being processed; retry shortly.',
    retry: 'retryable',
  },
  rate_limited: { status: 429, message: 'Too many requests; retry after the indicated delay.', retry: 'retryable' },
  // server and dependencies
  internal_error: { status: 500, message: 'Internal error.', retry: 'retryable' },
  unavailable: { status: 503, message: 'A dependency is unavailable.', retry: 'retryable' },
  credentials_invalid: { status: 422, message: 'The platform refused these credentials.', retry: 'permanent' },
  refresh_refused: {
    status: 422,
    message: 'The platform refused to refresh the token; the connection needs re-authorization.',
    retry: 'permanent',
  },
  provider_not_configured: {
    status: 422,
    message: 'This platform is not configured on this Plexus.',
    retry: 'permanent',
  },
  // inbound webhooks
  webhook_signature_invalid: {
    status: 401,
    message: 'The webhook signature is missing or does not verify.',
    retry: 'permanent',
  },
  webhook_not_configured: {
    status: 401,
    message: 'Webhooks from this platform are not configured (no secret): refused.',
    retry: 'permanent',
  },
  webhook_unsupported: { status: 404, message: 'This platform does not send webhooks here.', retry: 'permanent' },
  // vault
  vault_open_failed: { status: 500, message: 'A sealed secret could not be opened.', retry: 'permanent' },
  vault_unknown_key: {
    status: 500,
    message: 'A sealed secret names a master key that is not configured.',
    retry: 'permanent',
  },
  // providers (used by clients to classify platform answers)
  'provider.rate_limited': { status: 429, message: 'The platform is rate limiting requests.', retry: 'retryable' },
  'provider.unavailable': { status: 502, message: 'The platform is unavailable.', retry: 'retryable' },
  'provider.timeout': { status: 504, message: 'The platform did not answer in time.', retry: 'retryable' },
  'provider.auth_expired': { status: 401, message: 'The platform token has expired.', retry: 'retryable' },
  'provider.auth_revoked': {
    status: 401,
    message: 'The platform revoked access; the connection needs re-authorization.',
    retry: 'permanent',
  },
  'provider.invalid_request': { status: 422, message: 'The platform rejected the request.', retry: 'permanent' },
  'provider.not_found': { status: 404, message: 'The platform has no such object.', retry: 'permanent' },
  // The platform retired the API version Plexus calls (LinkedIn 426, Meta #2635, Google UNSUPPORTED_VERSION):
  // no retry helps until the version is moved (docs/platforms/<id>.md §Version).
  'provider.version_sunset': {
    status: 502,
    message:
      'The platform no longer serves the API version Plexus is configured for; move PLEXUS_<ID>_VERSION or upgrade Plexus.',
    retry: 'permanent',
  },
  // content sync
  'content.remote_changed': {
    status: 409,
    message: 'The item changed on the site since it was read; it goes through the merge again.',
    retry: 'retryable',
  },
  'content.conflict_open': {
    status: 409,
    message: 'The item has an open conflict on this target; resolve it first.',
    retry: 'permanent',
  },
  // jobs
  'job.invalid_payload': {
    status: 500,
    message: 'The job payload does not match its task schema.',
    retry: 'permanent',
  },
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
