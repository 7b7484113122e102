import { plexusError } from '../../core/errors.ts';
import type { Connector } from '../contracts/connector.ts';
import { apiGet } from '../kit/api-call.ts';

/** X Ads API with OAuth 1.0a user tokens that never expire (ads.md §5.1). */
export const xConnector: Connector = {
  classify(res) {
    const errors = (res.body as { errors?: { code?: string; message?: string; parameter?: string }[] } | undefined)
      ?.errors;
    const code = errors?.[0]?.code;
    if (res.status === 429) {
      // ads.md §5.6: the wait is only in x-(account-)rate-limit-reset (epoch seconds), not in
      // Retry-After; the account-level header is the one that applies to ads calls.
      const reset = Number(res.headers['x-account-rate-limit-reset'] ?? res.headers['x-rate-limit-reset']);
      return plexusError('provider.rate_limited', {
        message: errors?.[0]?.message ?? 'Rate limit exceeded',
        details: { status: 429, code },
        ...(Number.isFinite(reset) && reset > 0 ? { retryAfterMs: Math.max(0, reset * 1000 - Date.now()) } : {}),
      });
    }
    if (res.status === 401 && code === 'UNAUTHORIZED_ACCESS') {
      // Tokens do not expire: a refused one was revoked.
      return plexusError('provider.auth_revoked', {
        message: errors?.[0]?.message ?? 'Unauthorized',
        details: { status: 401, code },
      });
    }
    // ads.md §5.8: other client errors carry X's own code (INVALID_PARAMETER, NOT_FOUND, …) and
    // the parameter at fault; both are kept so callers can tell one refusal from another.
    const first = errors?.[0];
    if (first?.code && res.status >= 400 && res.status < 500 && res.status !== 401) {
      const details = {
        status: res.status,
        code: first.code,
        ...(first.parameter ? { parameter: first.parameter } : {}),
      };
      const message = first.message ?? first.code;
      return plexusError(res.status === 404 ? 'provider.not_found' : 'provider.invalid_request', { message, details });
    }
    return undefined;
  },

  async identify(ctx, creds) {
    const res = await apiGet(xConnector, ctx, creds, '/accounts');
    const data = (res.body as { data?: { id: string; name?: string }[] }).data ?? [];
    const first = data[0];
    if (!first) throw plexusError('provider.invalid_request', { message: 'This X user has no ads accounts.' });
    return {
      externalAccountId: first.id,
      displayName: first.name ?? `X ads account ${first.id}`,
      config: { accountIds: data.map((a) => a.id).join(',') },
    };
  },
};
