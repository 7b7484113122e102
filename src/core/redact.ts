/** Header names that carry credentials on any request (the sandboxes mask them in their logs too). */
export const SECRET_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'access-token',
] as const;

/**
 * Names of fields that hold secrets. Logs, errors and API responses scrub any property with
 * one of these names, at any depth, whatever object it sits in. Platform-specific header names
 * come from the provider definitions (`redactAlso`, called by the provider registry).
 */
export const SECRET_KEYS = [
  ...SECRET_HEADERS,
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'id_token',
  'client_secret',
  'clientSecret',
  'app_secret',
  'password',
  'secret',
  'token',
  'api_key',
  'apiKey',
  'oauth_token_secret',
  'code_verifier',
  'master_key',
  'credentials',
  'developer-token',
  'developer_token',
] as const;

const secretSet = new Set<string>(SECRET_KEYS.map((k) => k.toLowerCase()));

/** Adds names to scrub, e.g. the header a platform takes its token in. */
export function redactAlso(names: Iterable<string>): void {
  for (const n of names) secretSet.add(n.toLowerCase());
}

export function isSecretKey(key: string): boolean {
  return secretSet.has(key.toLowerCase());
}

export const REDACTED = '[redacted]';

/** A copy of `value` with every secret-named property replaced; cycles and depth are bounded. */
export function redactDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8 || seen.has(value)) return '[truncated]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1, seen));
  if (value instanceof Error) return value;
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretKey(k) ? REDACTED : redactDeep(v, depth + 1, seen);
  }
  return out;
}
