/**
 * Google's two error dialects: the OAuth endpoints answer RFC 6749 `{error, error_description}`,
 * the Ads API answers a google.rpc.Status whose details carry a versioned GoogleAdsFailure with
 * one `errorCode` oneof per error (quotaError, authenticationError, requestError…).
 */
import { randomBytes } from 'node:crypto';
import { json, type SandboxResponse } from '../../../sandbox/kit/server.ts';

export function requestId(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}

export function oauthError(status: number, error: string, description: string): SandboxResponse {
  return json(
    status,
    { error, error_description: description },
    { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate' },
  );
}

/** gRPC status name → HTTP status (the REST transcoding table). */
const HTTP_OF: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

const TOP_MESSAGE: Record<string, string> = {
  INVALID_ARGUMENT: 'Request contains an invalid argument.',
  UNAUTHENTICATED:
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
  PERMISSION_DENIED: 'The caller does not have permission',
  NOT_FOUND: 'Requested entity was not found.',
  RESOURCE_EXHAUSTED: 'Too many requests. Retry in 30 seconds.',
  INTERNAL: 'Internal error encountered.',
  UNAVAILABLE: 'The service is currently unavailable.',
  DEADLINE_EXCEEDED: 'The request deadline was exceeded.',
};

export interface AdsErrorDetail {
  /** One-key oneof, e.g. `{ authenticationError: 'OAUTH_TOKEN_EXPIRED' }`. */
  errorCode: Record<string, string>;
  message: string;
  trigger?: Record<string, unknown>;
  location?: Record<string, unknown>;
  details?: Record<string, unknown>;
}

export function adsError(
  version: string,
  grpcStatus: string,
  errors: readonly AdsErrorDetail[],
  opts: { message?: string; headers?: Record<string, string> } = {},
): SandboxResponse {
  const status = HTTP_OF[grpcStatus] ?? 500;
  const rid = requestId();
  const body = {
    error: {
      code: status,
      message: opts.message ?? TOP_MESSAGE[grpcStatus] ?? 'Unknown error.',
      status: grpcStatus,
      ...(errors.length
        ? {
            details: [
              {
                '@type': `type.googleapis.com/google.ads.googleads.${version}.errors.GoogleAdsFailure`,
                errors,
                requestId: rid,
              },
            ],
          }
        : {}),
    },
  };
  return json(status, body, { 'request-id': rid, ...opts.headers });
}

/** Plain Google front-end 401 (no GoogleAdsFailure): the request had no credential at all. */
export function missingCredential(): SandboxResponse {
  return json(
    401,
    {
      error: {
        code: 401,
        message:
          'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
        status: 'UNAUTHENTICATED',
      },
    },
    { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
  );
}

export function invalidArgument(
  version: string,
  category: string,
  code: string,
  message: string,
  trigger?: string,
): SandboxResponse {
  return adsError(version, 'INVALID_ARGUMENT', [
    {
      errorCode: { [category]: code },
      message,
      ...(trigger === undefined ? {} : { trigger: { stringValue: trigger } }),
    },
  ]);
}

/** Unknown versions and paths come from Google's front end as an HTML 404. */
export function htmlNotFound(path: string): SandboxResponse {
  return {
    status: 404,
    headers: { 'content-type': 'text/html; charset=UTF-8' },
    body: `<!DOCTYPE html>\n<html lang=en><meta charset=utf-8><title>Error 404 (Not Found)!!1</title><p><b>404.</b> <ins>That’s an error.</ins><p>The requested URL <code>${path.replace(/[<>&"]/g, '')}</code> was not found on this server.  <ins>That’s all we know.</ins>`,
  };
}

/**
 * A request to a sunset major version. The issue that asked for this names
 * `UNSUPPORTED_VERSION`; the exact envelope Google sends is not documented (docs/platforms/google-ads.md).
 */
export function unsupportedVersion(version: string): SandboxResponse {
  return invalidArgument(
    version,
    'requestError',
    'UNSUPPORTED_VERSION',
    `Version ${version} of the Google Ads API has been sunset; use a newer version.`,
  );
}
