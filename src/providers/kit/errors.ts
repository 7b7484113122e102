import { plexusError, type PlexusError } from '../../core/errors.ts';
import type { HttpResponse } from './http.ts';

/**
 * Seconds or an HTTP date in Retry-After, as milliseconds. A date is measured from the
 * response's own Date header: both stamps come from the platform's clock, so neither our clock
 * nor its skew enters. Without a Date header a date cannot be placed (undefined).
 */
export function retryAfterMs(headers: Readonly<Record<string, string>>): number | undefined {
  const v = headers['retry-after'];
  if (!v) return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(v);
  const sent = Date.parse(headers['date'] ?? '');
  return Number.isNaN(at) || Number.isNaN(sent) ? undefined : Math.max(0, at - sent);
}

/** A short, secret-free message from a platform's error body. */
export function platformMessage(res: HttpResponse): string {
  const b = res.body as Record<string, unknown> | undefined;
  const pick = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
  const err = b?.error;
  const nested = typeof err === 'object' && err ? (err as Record<string, unknown>) : undefined;
  const errorsArr = Array.isArray(b?.errors) ? (b.errors as Record<string, unknown>[]) : undefined;
  const msg =
    pick(nested?.message) ??
    pick(b?.error_description) ??
    pick(b?.message) ??
    pick(errorsArr?.[0]?.message) ??
    pick(errorsArr?.[0]?.detail) ??
    pick(errorsArr?.[0]?.title) ??
    pick(err) ??
    res.text.slice(0, 200);
  return (msg || `HTTP ${res.status}`).slice(0, 500);
}

/** The generic mapping from HTTP status to Plexus error codes (providers refine it). */
export function classifyHttp(res: HttpResponse): PlexusError | undefined {
  const s = res.status;
  if (s >= 200 && s < 300) return undefined;
  const message = platformMessage(res);
  const details = { status: s };
  if (s === 401) return plexusError('provider.auth_expired', { message, details });
  if (s === 429) {
    const after = retryAfterMs(res.headers);
    return plexusError('provider.rate_limited', {
      message,
      details,
      ...(after !== undefined ? { retryAfterMs: after } : {}),
    });
  }
  if (s === 404) return plexusError('provider.not_found', { message, details });
  if (s === 408 || s >= 500) return plexusError('provider.unavailable', { message, details });
  return plexusError('provider.invalid_request', { message, details });
}

/**
 * Errors of a token endpoint. `invalid_grant` (and its platform variants) means the grant is
 * gone for good: the connection needs a person. Everything transient stays retryable.
 */
export function classifyTokenError(res: HttpResponse, revokedMarkers: readonly string[] = []): PlexusError {
  const b = (res.body ?? {}) as Record<string, unknown>;
  const code = typeof b.error === 'string' ? b.error : '';
  const message = platformMessage(res);
  if (['invalid_grant', 'invalid_token', 'unauthorized_client', 'access_denied', ...revokedMarkers].includes(code)) {
    return plexusError('provider.auth_revoked', { message, details: { status: res.status, error: code } });
  }
  if (code === 'invalid_client')
    return plexusError('provider.invalid_request', {
      message: `The platform app credentials were refused: ${message}`,
      details: { status: res.status, error: code },
    });
  return classifyHttp(res) ?? plexusError('provider.invalid_request', { message, details: { status: res.status } });
}
