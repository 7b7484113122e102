/**
 * LinkedIn error bodies: the API's `{status, serviceErrorCode?, code, message}` envelope (the
 * legacy `{message, status}` for throttling) and RFC 6749 `{error, error_description}` on the
 * www.linkedin.com OAuth endpoints.
 */
import { json, type SandboxResponse } from '../../../sandbox/kit/server.ts';

export function apiError(status: number, code: string, message: string, serviceErrorCode?: number): SandboxResponse {
  return json(status, { status, ...(serviceErrorCode === undefined ? {} : { serviceErrorCode }), code, message });
}

export function oauthError(status: number, error: string, description: string): SandboxResponse {
  return json(status, { error, error_description: description });
}

export const CODE_MISMATCH =
  'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists';

export const THROTTLED = 'Resource level throttle limit for calls to this resource is reached.';
