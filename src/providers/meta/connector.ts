import { plexusError, type PlexusError } from '../../core/errors.ts';
import type { Connector } from '../contracts/connector.ts';
import { apiCall, apiGet, apiUrl } from '../kit/api-call.ts';
import { retryAfterMs } from '../kit/errors.ts';
import type { HttpResponse } from '../kit/http.ts';
import { readTokenResponse } from '../kit/oauth2.ts';

// ads.md §1.6 / §1.8: throttling arrives as a Graph error code, usually with HTTP 400/403.
const THROTTLE_CODES = new Set([4, 17, 32, 613, 80000, 80001, 80002, 80003, 80004, 80005, 80006, 80008, 80009, 80014]);
// ads.md §1.1: 463 is "expired"; the other 190 subcodes mean the grant is gone for good.
const REVOKED_SUBCODES = new Set([458, 459, 460, 464, 467]);

/** Graph errors are keyed on `error.code`, not on the HTTP status (ads.md §1.8). */
export function classifyMeta(res: HttpResponse): PlexusError | undefined {
  const err = (
    res.body as
      { error?: { code?: number; error_subcode?: number; message?: string; is_transient?: boolean } } | undefined
  )?.error;
  if (!err || typeof err.code !== 'number') return undefined;
  const message = err.message ?? 'Graph API error';
  const details = { status: res.status, code: err.code, subcode: err.error_subcode };
  if (THROTTLE_CODES.has(err.code)) {
    const after = retryAfterMs(res.headers);
    return plexusError('provider.rate_limited', { message, details, retryAfterMs: after ?? 60_000 });
  }
  if (err.code === 190) {
    if (err.error_subcode && REVOKED_SUBCODES.has(err.error_subcode))
      return plexusError('provider.auth_revoked', { message, details });
    return plexusError('provider.auth_expired', { message, details });
  }
  // docs/platforms/meta.md §Version: #2635 is an ads call under an expired Marketing API version.
  if (err.code === 2635) return plexusError('provider.version_sunset', { message, details });
  if (err.code === 1 || err.code === 2 || err.is_transient)
    return plexusError('provider.unavailable', { message, details });
  if (err.code === 100 && err.error_subcode === 33) return plexusError('provider.not_found', { message, details });
  return plexusError('provider.invalid_request', { message, details });
}

export const metaConnector: Connector = {
  classify: classifyMeta,

  // ads.md §1.1: the code exchange gives a short-lived user token; swap it for a ~60-day one.
  async afterExchange(ctx, tokens) {
    const auth = ctx.def.auth;
    if (auth.kind !== 'oauth2') return tokens;
    const url = new URL(ctx.url(auth.tokenUrl));
    url.searchParams.set('grant_type', 'fb_exchange_token');
    url.searchParams.set('client_id', ctx.app.clientId ?? '');
    url.searchParams.set('client_secret', ctx.app.clientSecret ?? '');
    url.searchParams.set('fb_exchange_token', tokens.accessToken);
    const res = await ctx.http.send({ method: 'GET', url: url.toString() });
    const err = classifyMeta(res);
    if (err) throw err;
    return readTokenResponse(ctx, res);
  },

  async identify(ctx, creds) {
    const res = await apiGet(metaConnector, ctx, creds, '/me?fields=id,name');
    const me = res.body as { id?: string; name?: string };
    if (!me.id) throw plexusError('provider.invalid_request', { message: 'Graph /me answered without an id.' });
    // Ad-account webhooks name the account (act_123 / 123), not the user: keep both forms for routing.
    const accounts = await apiGet(metaConnector, ctx, creds, '/me/adaccounts?fields=id,account_id&limit=100');
    const list = (accounts.body as { data?: { id: string; account_id?: string }[] }).data ?? [];
    const refs = list.flatMap((a) => [a.id, a.account_id ?? a.id.replace(/^act_/, '')]);
    return {
      externalAccountId: me.id,
      displayName: me.name ?? `Meta user ${me.id}`,
      accountRefs: refs,
      config: { adAccountIds: list.map((a) => a.id).join(',') },
    };
  },

  // ads.md §1.1: DELETE /{user-id}/permissions removes every permission the app had.
  async revoke(ctx, creds) {
    await apiCall(metaConnector, ctx, creds, { method: 'DELETE', url: apiUrl(ctx, '/me/permissions') });
  },
};
