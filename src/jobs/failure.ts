import { errorMessage, isPlexusError } from '../core/errors.ts';

/** Tokens a message can carry in text (a URL's query, a header echoed by a platform). */
const SECRET_IN_TEXT = [
  /((?:access_token|refresh_token|client_secret|api_key|apikey|token|password|code)=)[^&\s"']+/gi,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g,
  /(Basic\s+)[A-Za-z0-9+/=]+/g,
];

export function redactText(text: string): string {
  return SECRET_IN_TEXT.reduce((t, re) => t.replace(re, '$1[redacted]'), text);
}

export interface FailureDescription {
  code: string;
  message: string;
  /** The underlying error's own message, when the failure wraps one (a socket error, a driver error). */
  cause?: string;
}

/** What failed, in words fit for a log line and the API: the code, the message and its cause, secrets scrubbed. */
export function describeFailure(err: unknown): FailureDescription {
  const code = isPlexusError(err) ? err.code : 'internal_error';
  const message = redactText(errorMessage(err).slice(0, 1000));
  // A system error's own code (ECONNREFUSED, a PostgreSQL SQLSTATE) says more than the message.
  const sysCode =
    !isPlexusError(err) && typeof (err as { code?: unknown })?.code === 'string'
      ? (err as { code: string }).code
      : undefined;
  const inner = err instanceof Error ? (err as Error & { cause?: unknown }).cause : undefined;
  const innerText =
    inner === undefined ? undefined : inner instanceof Error ? `${inner.name}: ${inner.message}` : errorMessage(inner);
  const cause = [sysCode, innerText].filter(Boolean).join(' / ');
  return { code, message, ...(cause ? { cause: redactText(cause.slice(0, 500)) } : {}) };
}
