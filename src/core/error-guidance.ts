import type { ErrorCode } from './errors.ts';

/**
 * What a caller should do on each registered error code, for docs/errors.md. Kept apart from
 * the registry, which is what runs; the type makes a new code without guidance a compile error.
 */
export const ERROR_GUIDANCE = {
  invalid_json: 'Send a well-formed JSON body with `Content-Type: application/json`.',
  validation_failed: 'Fix the fields listed in `details` (`path`, `in`, `message`) and send again.',
  payload_too_large: 'Send a smaller body: split a bulk request into several.',
  uri_too_long: 'Shorten the URL: fewer or shorter query values; long filters belong in a body.',
  header_too_large: 'Send fewer or smaller headers (large cookies are the usual cause).',
  unsupported_media_type: 'Send the body as `application/json`.',
  missing_api_key: 'Send `Authorization: Bearer <key>` with an API key of the organisation.',
  invalid_api_key:
    'Use a current API key; create a new one if this one was revoked. Repeated failures from one address are rate limited.',
  forbidden:
    'Use a key (or admin token) that may perform this action; admin routes need `PLEXUS_ADMIN_TOKEN` set on the server.',
  not_found:
    'Check the id and that it belongs to the organisation of the key; ids of other organisations are not found.',
  route_not_found: 'Check the method and path against the API reference (`/docs`).',
  conflict: 'Read the resource again and act on its current state; `details.reason` names the conflict.',
  unprocessable: 'Change the request as the message says; sending it again unchanged fails the same way.',
  idempotency_key_reused:
    'Use a new `Idempotency-Key` for a different request; reuse a key only to retry the same request.',
  idempotency_in_progress:
    'Wait a second and send the same request with the same key again; it answers as the first one did once that finishes.',
  rate_limited: 'Wait for the `Retry-After` delay (seconds), then retry.',
  internal_error: 'Retry later; if it persists, report the `request_id` to the operator, whose log holds the cause.',
  unavailable:
    'Retry shortly (after `Retry-After` when sent): a dependency, such as the database, is briefly unavailable.',
  credentials_invalid:
    'Check the credentials on the platform (application password, API key, site URL) and submit them again.',
  refresh_refused:
    'Reconnect the connection: create a connect session with its `connection_id` and have the account owner sign in again.',
  provider_not_configured:
    'The operator must configure the platform app (client id and secret, or `PLEXUS_PUBLIC_URL`) before this can work.',
  webhook_signature_invalid:
    'Platforms: sign with the secret the connection holds. Operators: check the secret configured on the platform matches Plexus.',
  webhook_not_configured:
    'The operator sets the platform’s webhook secret in Plexus; until then its webhooks are refused.',
  webhook_unsupported: 'Do not send webhooks for this platform here; Plexus polls it instead.',
  vault_open_failed:
    'Operator: the sealed secret or its key is damaged or the organisation was erased; restore the keyring, or reconnect the connection.',
  vault_unknown_key:
    'Operator: add the master key named in `details.key_id` back to the keyring (PLEXUS_MASTER_KEY or the keyring file).',
  'provider.rate_limited':
    'Nothing: jobs wait as long as the platform asks and retry. Lower the sync frequency if it lasts.',
  'provider.unavailable': 'Nothing: jobs retry with back-off while the platform is down.',
  'provider.timeout': 'Nothing: jobs retry with back-off while the platform is slow.',
  'provider.auth_expired':
    'Nothing where the platform issues refresh tokens: Plexus refreshes and retries the call. If it persists, reconnect the connection.',
  'provider.auth_revoked':
    'Reconnect the connection: the account owner must sign in again (create a connect session with its `connection_id`).',
  'provider.invalid_request': 'Change what was sent as the platform’s message says; it will not succeed unchanged.',
  'provider.not_found': 'The object is gone on the platform: remove or re-create the reference to it.',
  'provider.version_sunset':
    'Operator: set `PLEXUS_<ID>_VERSION` to a version the platform still serves, or upgrade Plexus.',
  'content.remote_changed': 'Nothing: the item goes through the merge again with the site’s new version.',
  'content.conflict_open': 'Resolve the open conflict on this target (`/v1/conflicts`), then publish again.',
  portal_session_invalid:
    'Open the portal again from the host application: it creates a new portal session (`POST /v1/portal-sessions`).',
  csrf_failed:
    'Send the session’s CSRF token (from `GET /v1/portal-session`) in the `X-CSRF-Token` header of every write.',
  portal_read_only:
    'Nothing to fix in the request: the session was created read only; the host application creates a `manage` session for changes.',
  'job.invalid_payload':
    'Operator: the job was queued by other code or by hand with a wrong payload; fix or delete it, then replay.',
} as const satisfies Record<ErrorCode, string>;
