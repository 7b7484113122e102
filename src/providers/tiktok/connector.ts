import { plexusError, type PlexusError } from '../../core/errors.ts';
import type { Connector } from '../contracts/connector.ts';
import { apiCall, apiUrl } from '../kit/api-call.ts';
import type { HttpResponse } from '../kit/http.ts';

// ads.md §3.1 / §3.6: TikTok answers HTTP 200 with an error code in the body.
// ads.md §3.6: 40100 (QPS/QPM/QPD), 40133 and 40016 are throttling answers.
const RATE_LIMITED = new Set([40100, 40133, 40016]);
const TOKEN_BAD = new Set([40102, 40104, 40105, 40107, 40103]);

export function classifyTikTok(res: HttpResponse): PlexusError | undefined {
  const b = res.body as { code?: number; message?: string } | undefined;
  if (res.status >= 500)
    return plexusError('provider.unavailable', {
      message: b?.message ?? `HTTP ${res.status}`,
      details: { status: res.status },
    });
  if (!b || typeof b.code !== 'number' || b.code === 0) return undefined;
  const message = b.message ?? 'TikTok API error';
  const details = { status: res.status, code: b.code };
  if (RATE_LIMITED.has(b.code)) return plexusError('provider.rate_limited', { message, details, retryAfterMs: 60_000 });
  // Advertiser tokens have no timer: an invalid one was revoked and needs a person.
  if (TOKEN_BAD.has(b.code)) return plexusError('provider.auth_revoked', { message, details });
  if (b.code >= 50000) return plexusError('provider.unavailable', { message, details });
  // ads.md §3.8: 40007 is TikTok's "object does not exist".
  if (b.code === 40007) return plexusError('provider.not_found', { message, details });
  return plexusError('provider.invalid_request', { message, details });
}

export const tiktokConnector: Connector = {
  classify: classifyTikTok,

  // ads.md §3.1: POST oauth2/revoke_token/ with app_id, secret and the token (body unconfirmed).
  async revoke(ctx, creds) {
    if (ctx.def.auth.kind !== 'oauth2' || !ctx.def.auth.revokeUrl) return;
    const res = await ctx.http.send({
      method: 'POST',
      url: ctx.url(ctx.def.auth.revokeUrl),
      json: { app_id: ctx.app.clientId, secret: ctx.app.clientSecret, access_token: creds.accessToken },
    });
    const err = classifyTikTok(res);
    if (err) throw err;
  },

  async identify(ctx, creds) {
    const url = new URL(apiUrl(ctx, '/oauth2/advertiser/get/'));
    url.searchParams.set('app_id', ctx.app.clientId ?? '');
    url.searchParams.set('secret', ctx.app.clientSecret ?? '');
    const res = await apiCall(tiktokConnector, ctx, creds, { method: 'GET', url: url.toString() });
    const list =
      (res.body as { data?: { list?: { advertiser_id: string | number; advertiser_name?: string }[] } }).data?.list ??
      [];
    const first = list[0];
    const ids = list.map((a) => String(a.advertiser_id));
    const fromToken = ctx.config.advertiser_ids?.split(',').filter(Boolean) ?? [];
    const id = first ? String(first.advertiser_id) : fromToken[0];
    if (!id) throw plexusError('provider.invalid_request', { message: 'No advertiser was authorized.' });
    return {
      externalAccountId: id,
      displayName: first?.advertiser_name ?? `TikTok advertiser ${id}`,
      config: { advertiserIds: (ids.length ? ids : fromToken).join(',') },
      accountRefs: ids.length ? ids : fromToken,
    };
  },
};
