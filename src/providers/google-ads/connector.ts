import { plexusError } from '../../core/errors.ts';
import type { Connector } from '../contracts/connector.ts';
import { apiGet } from '../kit/api-call.ts';
import { retryAfterMs } from '../kit/errors.ts';

/**
 * ads.md §2.6: a quota error says when to come back in
 * `error.details[].errors[].details.quotaErrorDetails.retryDelay` ("30s"); a daily quota gives
 * hours, which the sync hands back to the job instead of waiting in place.
 */
function quotaRetryDelayMs(body: unknown): number | undefined {
  const details =
    (
      body as
        | { error?: { details?: { errors?: { details?: { quotaErrorDetails?: { retryDelay?: string } } }[] }[] } }
        | undefined
    )?.error?.details ?? [];
  for (const d of details) {
    for (const e of d.errors ?? []) {
      const m = /^(\d+(?:\.\d+)?)s$/.exec(e.details?.quotaErrorDetails?.retryDelay ?? '');
      if (m) return Math.round(Number(m[1]) * 1000);
    }
  }
  return undefined;
}

interface FailureEntry {
  errorCode?: Record<string, string>;
  message?: string;
  location?: { fieldPathElements?: { fieldName: string; index?: number }[] };
}

interface StatusDetail {
  '@type'?: string;
  errors?: FailureEntry[];
  fieldViolations?: { field?: string; description?: string }[];
}

/**
 * What a google.rpc.Status says went wrong, for a person and a program (ads.md §2.8): the
 * GoogleAdsFailure messages, the first error's `category.CODE` (e.g.
 * `campaignBudgetError.NON_MULTIPLE_OF_MINIMUM_CURRENCY_UNIT`) and its field path; or, for a
 * request the REST layer refused before the service saw it, the field violation.
 */
export function googleAdsFailure(status: { message?: string; status?: string; details?: StatusDetail[] } | undefined): {
  message: string;
  code?: string;
  field?: string;
} {
  const entries = (status?.details ?? []).flatMap((d) => d.errors ?? []);
  const first = entries[0];
  if (first) {
    const [category, value] = Object.entries(first.errorCode ?? {})[0] ?? [];
    const field = (first.location?.fieldPathElements ?? [])
      .map((p) => (p.index === undefined ? p.fieldName : `${p.fieldName}[${p.index}]`))
      .join('.');
    const messages = [...new Set(entries.map((e) => e.message).filter((m): m is string => !!m))];
    return {
      message: messages.join(' ') || status?.message || 'Google Ads API error',
      ...(category ? { code: `${category}.${value}` } : {}),
      ...(field ? { field } : {}),
    };
  }
  const violation = (status?.details ?? []).flatMap((d) => d.fieldViolations ?? [])[0];
  return {
    message: violation?.description ?? status?.message ?? 'Google Ads API error',
    ...(status?.status ? { code: status.status } : {}),
    ...(violation?.field ? { field: violation.field } : {}),
  };
}

/** Google Ads REST: Google OAuth plus the app's developer-token header (ads.md §2.1). */
export const googleAdsConnector: Connector = {
  classify(res) {
    const err = (res.body as { error?: { status?: string; message?: string; details?: StatusDetail[] } } | undefined)
      ?.error;
    if (!err || res.status < 400) return undefined;
    const message = err.message ?? 'Google Ads API error';
    const details = { status: res.status, grpc_status: err.status };
    if (err.status === 'RESOURCE_EXHAUSTED')
      return plexusError('provider.rate_limited', {
        message,
        details,
        retryAfterMs: quotaRetryDelayMs(res.body) ?? retryAfterMs(res.headers) ?? 30_000,
      });
    if (err.status === 'UNAUTHENTICATED') return plexusError('provider.auth_expired', { message, details });
    if (err.status === 'UNAVAILABLE' || err.status === 'INTERNAL' || err.status === 'DEADLINE_EXCEEDED')
      return plexusError('provider.unavailable', { message, details });
    // Validation and permission failures: the GoogleAdsFailure says which field and why.
    const failure = googleAdsFailure(err);
    // docs/platforms/google-ads.md §Version: a sunset major version.
    if (failure.code?.endsWith('.UNSUPPORTED_VERSION'))
      return plexusError('provider.version_sunset', {
        message: failure.message,
        details: { ...details, code: failure.code },
      });
    const described = {
      ...details,
      ...(failure.code ? { code: failure.code } : {}),
      ...(failure.field ? { field: failure.field } : {}),
    };
    if (err.status === 'NOT_FOUND')
      return plexusError('provider.not_found', { message: failure.message, details: described });
    if (
      err.status === 'INVALID_ARGUMENT' ||
      err.status === 'PERMISSION_DENIED' ||
      err.status === 'FAILED_PRECONDITION'
    ) {
      return plexusError('provider.invalid_request', { message: failure.message, details: described });
    }
    return undefined;
  },

  async identify(ctx, creds) {
    if (!ctx.app.extra.developerToken) {
      throw plexusError('provider_not_configured', { message: 'Google Ads needs PLEXUS_GOOGLE_ADS_DEVELOPER_TOKEN.' });
    }
    const res = await apiGet(googleAdsConnector, ctx, creds, '/customers:listAccessibleCustomers');
    const names = ((res.body as { resourceNames?: string[] }).resourceNames ?? []).map((n) =>
      n.replace(/^customers\//, ''),
    );
    const chosen = ctx.config.customerId ?? names[0];
    if (!chosen)
      throw plexusError('provider.invalid_request', {
        message: 'This Google login has no accessible Google Ads accounts.',
      });
    if (ctx.config.customerId && !names.includes(ctx.config.customerId) && !ctx.config.loginCustomerId) {
      throw plexusError('provider.invalid_request', {
        message: `Customer ${ctx.config.customerId} is not accessible with this login.`,
      });
    }
    return {
      externalAccountId: chosen,
      displayName: `Google Ads ${chosen}`,
      config: { customerId: chosen, accessibleCustomers: names.join(',') },
    };
  },
};
