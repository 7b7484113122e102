/**
 * The consent page's Deny for platforms that send the user back to the redirect URI with an
 * RFC 6749 `access_denied` (plus any parameters of their own) and the state, leaving the state
 * out when the client sent none.
 */
import { redirectWith } from './oauth2.ts';
import type { SandboxResponse } from './server.ts';

export function accessDenied(
  description: string,
  extra: Record<string, string> = {},
): (ctx: unknown, carry: Record<string, string>) => SandboxResponse {
  return (_ctx, carry) =>
    redirectWith(carry['redirect_uri'] ?? '', {
      error: 'access_denied',
      error_description: description,
      ...extra,
      state: carry['state'] || undefined,
    });
}
