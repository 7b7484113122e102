import { isSecretKey, redactDeep } from '../core/redact.ts';
import { platformCalls, platformLatency, platformRateLimited } from '../observability/platform-metrics.ts';
import { currentOperation, type HttpMessage } from './context.ts';

const EXCERPT_CHARS = 1000;
// Headers that carry a platform's rate-limit budget or quota use (and when to come back).
const RATE_HEADER = /rate-?limit|ratelimit|usage|quota|retry-after|call-limit|throttl/i;
// Headers that carry the platform's id for the request, by the shapes platforms name them
// (`x-request-id`, `x-<platform>-request-id`, `…-trace-id`, `…-logid`, `…-uuid`, `x-transaction-id`).
const REQUEST_ID_HEADER = /(^|-)(request-?id|trace-id|logid|uuid|transaction-id)$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LONG_TOKEN = /^[A-Za-z0-9_-]{24,}$/;

/** A URL path as a template: ids (numbers, uuids, long opaque tokens) become placeholders. */
export function pathTemplate(pathname: string): string {
  return pathname
    .split('/')
    .map((seg) =>
      UUID.test(seg) ? '{uuid}' : LONG_TOKEN.test(seg) && /\d/.test(seg) ? '{id}' : seg.replace(/\d{3,}/g, '{id}'),
    )
    .join('/');
}

/** Query parameters with secret ones (tokens, signatures, client secrets) replaced. */
export function redactedQuery(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params)
    out[k] = isSecretKey(k) || /token|secret|sig|password|key|code/i.test(k) ? '[redacted]' : v.slice(0, 200);
  return out;
}

/** A bounded excerpt of an error body with secret fields removed (JSON) or token-like strings masked (text). */
export function errorExcerpt(text: string): string {
  let out: string;
  try {
    out = JSON.stringify(redactDeep(JSON.parse(text)));
  } catch {
    out = text
      .replace(/(bearer\s+)[^\s"']+/gi, '$1[redacted]')
      .replace(/((?:access_|refresh_)?token|secret|password)(["':=\s]+)[^\s"'&,}]+/gi, '$1$2[redacted]');
  }
  return out.length > EXCERPT_CHARS ? `${out.slice(0, EXCERPT_CHARS)}…` : out;
}

function statusClass(status: number | null): string {
  return status === null ? 'network' : `${Math.floor(status / 100)}xx`;
}

export interface CallOutcome {
  method: string;
  url: string;
  provider: string | undefined;
  startedAt: number;
  status: number | null;
  headers: Readonly<Record<string, string>>;
  text: string;
  errorCode: string | null;
}

/**
 * Records one platform HTTP call: Prometheus series always, and a message on the current
 * operation when there is one. Only cheap work happens unless the call failed.
 */
export function observePlatformCall(c: CallOutcome): void {
  const ms = performance.now() - c.startedAt;
  const op = currentOperation();
  const provider = c.provider ?? op?.provider ?? 'unknown';
  platformCalls.inc({ provider, status_class: statusClass(c.status) });
  platformLatency.observe({ provider }, ms / 1000);
  if (c.status === 429) platformRateLimited.inc({ provider });
  if (!op) return;
  let u: URL | undefined;
  try {
    u = new URL(c.url);
  } catch {
    u = undefined;
  }
  const rate: Record<string, string> = {};
  let requestId: string | null = null;
  for (const [k, v] of Object.entries(c.headers)) if (RATE_HEADER.test(k)) rate[k] = v.slice(0, 300);
  for (const [k, v] of Object.entries(c.headers)) {
    if (v && REQUEST_ID_HEADER.test(k)) {
      requestId = v.slice(0, 200);
      break;
    }
  }
  const failed = c.status === null || c.status >= 400;
  const path = u ? pathTemplate(u.pathname) : '';
  const http: HttpMessage = {
    method: c.method,
    path,
    query: u ? redactedQuery(u.searchParams) : {},
    host: u?.host ?? '',
    status: c.status,
    duration_ms: Math.round(ms),
    attempt: op.attempt,
    rate_limit: rate,
    request_id: requestId,
    error_excerpt: failed && c.text ? errorExcerpt(c.text) : null,
    error_code: c.errorCode,
  };
  op.count('platform_calls');
  if (failed) op.count('platform_errors');
  if (c.status === 429) op.count('rate_limited');
  const shown = c.status === null ? (c.errorCode ?? 'network error') : String(c.status);
  op.http(
    c.status === 429 || c.status === null || c.status >= 500 ? 'warn' : failed ? 'error' : 'info',
    `${c.method} ${path} → ${shown} (${http.duration_ms} ms)`,
    http,
  );
}
