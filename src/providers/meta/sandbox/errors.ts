/**
 * Graph API error envelopes as the real platform sends them: always
 * `{"error":{message,type,code,error_subcode?,fbtrace_id,…}}`, mostly HTTP 400, so clients
 * have to branch on `error.code` rather than on the status.
 */
import { randomBytes } from 'node:crypto';
import type { SandboxResponse } from '../../../sandbox/kit/server.ts';

export interface GraphErrorInit {
  message: string;
  code: number;
  subcode?: number;
  type?: 'OAuthException' | 'GraphMethodException' | 'FacebookApiException';
  status?: number;
  isTransient?: boolean;
  userTitle?: string;
  userMsg?: string;
  headers?: Record<string, string>;
}

export function fbtraceId(): string {
  return randomBytes(8).toString('base64url').slice(0, 11);
}

export function graphError(e: GraphErrorInit): SandboxResponse {
  const error: Record<string, unknown> = { message: e.message, type: e.type ?? 'OAuthException', code: e.code };
  if (e.subcode !== undefined) error['error_subcode'] = e.subcode;
  if (e.isTransient !== undefined) error['is_transient'] = e.isTransient;
  if (e.userTitle) error['error_user_title'] = e.userTitle;
  if (e.userMsg) error['error_user_msg'] = e.userMsg;
  error['fbtrace_id'] = fbtraceId();
  return { status: e.status ?? 400, headers: e.headers ?? {}, body: { error } };
}

/** Code 100: invalid parameter (the usual validation error). */
export function invalidParam(message: string, subcode?: number): SandboxResponse {
  return graphError({ message: `(#100) ${message}`, code: 100, ...(subcode === undefined ? {} : { subcode }) });
}

/** Nonexistent or inaccessible ids come back as 400 with 100/33, not 404. */
export function unsupportedRequest(method: string, id: string): SandboxResponse {
  return graphError({
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    type: 'GraphMethodException',
    code: 100,
    subcode: 33,
  });
}

export function permissionError(scope: string): SandboxResponse {
  return graphError({ message: `(#200) Requires ${scope} permission to manage the object`, code: 200, status: 403 });
}

export function unknownPath(path: string): SandboxResponse {
  return graphError({ message: `Unknown path components: ${path}`, code: 2500 });
}
