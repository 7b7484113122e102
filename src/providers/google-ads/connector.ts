import { plexusError } from '../../core/errors.ts';
import type { Connector } from '../connector.ts';
import { apiCall, apiUrl } from '../kit/api-call.ts';
import { retryAfterMs } from '../kit/errors.ts';

/**
 * ads.md §2.6: a quota error says when to come back in
 * `error.details[].errors[].details.quotaErrorDetails.retryDelay` ("30s"); a daily quota gives
 * hours, which the sync hands back to the job instead of waiting in place.
 */
function quotaRetryDelayMs(body: unknown): number | undefined {
  const details = (body as { error?: { details?: { errors?: { details?: { quotaErrorDetails?: { retryDelay?: string } } }[] }[] } } | undefined)?.error?.details ?? [];
  for (const d of details) {
    for (const e of d.errors ?? []) {
      const m = /^(\d+(?:\.\d+)?)s$/.exec(e.details?.quotaErrorDetails?.retryDelay ?? '');
      if (m) return Math.round(Number(m[1]) * 1000);
    }
  }
  return undefined;
}

/** Google Ads REST: Google OAuth plus the app's developer-token header (ads.md §2.1). */
export const googleAdsConnector: Connector = {
  classify(res) {
    const err = (res.body as { error?: { status?: string; message?: string } } | undefined)?.error;
    if (!err || res.status < 400) return undefined;
    const message = err.message ?? 'Google Ads API error';
    const details = { status: res.status, grpc_status: err.status };
    if (err.status === 'RESOURCE_EXHAUSTED') return plexusError('provider.rate_limited', { message, details, retryAfterMs: quotaRetryDelayMs(res.body) ?? retryAfterMs(res.headers) ?? 30_000 });
    if (err.status === 'UNAUTHENTICATED') return plexusError('provider.auth_expired', { message, details });
    if (err.status === 'PERMISSION_DENIED') return plexusError('provider.invalid_request', { message, details });
    if (err.status === 'UNAVAILABLE' || err.status === 'INTERNAL' || err.status === 'DEADLINE_EXCEEDED') return plexusError('provider.unavailable', { message, details });
    return undefined;
  },

  async identify(ctx, creds) {
    if (!ctx.app.extra.developerToken) {
      throw plexusError('provider_not_configured', { message: 'Google Ads needs PLEXUS_GOOGLE_ADS_DEVELOPER_TOKEN.' });
    }
    const res = await apiCall(googleAdsConnector, ctx, creds, { method: 'GET', url: apiUrl(ctx, '/customers:listAccessibleCustomers') });
    const names = ((res.body as { resourceNames?: string[] }).resourceNames ?? []).map((n) => n.replace(/^customers\//, ''));
    const chosen = ctx.config.customerId ?? names[0];
    if (!chosen) throw plexusError('provider.invalid_request', { message: 'This Google login has no accessible Google Ads accounts.' });
    if (ctx.config.customerId && !names.includes(ctx.config.customerId) && !ctx.config.loginCustomerId) {
      throw plexusError('provider.invalid_request', { message: `Customer ${ctx.config.customerId} is not accessible with this login.` });
    }
    return { externalAccountId: chosen, displayName: `Google Ads ${chosen}`, config: { customerId: chosen, accessibleCustomers: names.join(',') } };
  },
};
