import { isSecretKey } from '../../core/redact.ts';

/** What a token endpoint answered, normalised. */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** OAuth 1.0a token secret (X). */
  tokenSecret?: string;
  expiresAt?: Date;
  refreshExpiresAt?: Date;
  scopes?: string[];
  /** Non-secret fields of the answer worth keeping (account ids the platform returned). */
  extra: Record<string, unknown>;
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Reads the standard RFC 6749 fields (with common variants) from a token response body. */
export function parseTokenBody(
  body: Record<string, unknown>,
  now: Date,
  scopeSeparator: string,
  defaults: { accessTtl?: number; refreshTtl?: number } = {},
): TokenSet | undefined {
  const accessToken = body.access_token;
  if (typeof accessToken !== 'string' || !accessToken) return undefined;
  const expiresIn = num(body.expires_in) ?? defaults.accessTtl;
  const refreshIn = num(body.refresh_token_expires_in) ?? num(body.refresh_expires_in) ?? defaults.refreshTtl;
  const scope = body.scope;
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (
      [
        'access_token',
        'refresh_token',
        'expires_in',
        'refresh_token_expires_in',
        'refresh_expires_in',
        'scope',
        'token_type',
      ].includes(k)
    )
      continue;
    if (!isSecretKey(k)) extra[k] = v;
  }
  return {
    accessToken,
    ...(typeof body.refresh_token === 'string' && body.refresh_token ? { refreshToken: body.refresh_token } : {}),
    ...(expiresIn ? { expiresAt: new Date(now.getTime() + expiresIn * 1000) } : {}),
    ...(typeof body.refresh_token === 'string' && refreshIn
      ? { refreshExpiresAt: new Date(now.getTime() + refreshIn * 1000) }
      : {}),
    ...(typeof scope === 'string'
      ? { scopes: scope.split(/[ ,]+/).filter(Boolean) }
      : Array.isArray(scope)
        ? { scopes: scope.map(String) }
        : {}),
    extra,
  };
}
