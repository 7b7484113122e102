import { request } from 'undici';
import { plexusError } from '../../core/errors.ts';
import { GuardedDispatchers, type SsrfPolicy } from '../../security/ssrf.ts';
import { observePlatformCall } from '../../operations/platform-call.ts';
import { inSpan } from '../../observability/tracing.ts';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** A form body (sent as application/x-www-form-urlencoded) or a JSON value. */
  form?: URLSearchParams;
  json?: unknown;
  /** Raw bytes (a file upload); the caller sets `content-type`. */
  body?: Buffer;
  /** Keep the answer's body as bytes (a gzipped report file) instead of decoding it as text. */
  binary?: boolean;
  timeoutMs?: number;
  /**
   * For a site whose budget is counted in something other than calls (Shopify's query cost):
   * the units this call may cost (default 1), and readers of the answer for the units it did
   * cost and the units the platform reports left. Used by the shared per-site budget.
   */
  budget?: {
    units: number;
    used?(res: HttpResponse): number | undefined;
    available?(res: HttpResponse): number | undefined;
  };
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  body: unknown;
  /** The body's bytes, when the request asked for `binary` (then `text` is empty). */
  bytes?: Buffer;
}

/**
 * The one HTTP client for platform calls: an undici agent whose DNS lookup refuses private
 * and reserved addresses (the SSRF guard, applied at connect time so redirects and DNS
 * rebinding cannot slip past), timeouts, and no automatic redirects. Transport failures
 * become retryable Plexus errors; HTTP statuses are left to each provider's error mapping.
 */
export class ProviderHttp {
  private readonly dispatchers: GuardedDispatchers;

  constructor(
    policy: SsrfPolicy,
    private readonly defaultTimeoutMs = 30_000,
  ) {
    this.dispatchers = new GuardedDispatchers(policy);
  }

  /** Sends one call; it is recorded (metrics, the current operation's log, a trace span). */
  async send(req: HttpRequest): Promise<HttpResponse> {
    return inSpan(
      `${req.method} ${safeHost(req.url)}`,
      'client',
      { 'http.request.method': req.method, 'server.address': safeHost(req.url) },
      async (span) => {
        const startedAt = performance.now();
        try {
          const res = await this.sendUnobserved(req);
          span?.setAttribute('http.response.status_code', res.status);
          observePlatformCall({
            method: req.method,
            url: req.url,
            provider: undefined,
            startedAt,
            status: res.status,
            headers: res.headers,
            text: res.text,
            errorCode: null,
          });
          return res;
        } catch (err) {
          observePlatformCall({
            method: req.method,
            url: req.url,
            provider: undefined,
            startedAt,
            status: null,
            headers: {},
            text: err instanceof Error ? err.message : '',
            errorCode: (err as { code?: string }).code ?? null,
          });
          throw err;
        }
      },
    );
  }

  private async sendUnobserved(req: HttpRequest): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'Plexus/0.1', ...req.headers };
    let body: string | Buffer | undefined;
    if (req.form) {
      body = req.form.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] ??= 'application/json';
    } else if (req.body !== undefined) {
      body = req.body;
    }
    const timeout = req.timeoutMs ?? this.defaultTimeoutMs;
    try {
      const res = await request(req.url, {
        method: req.method,
        headers,
        body: body ?? null,
        dispatcher: this.dispatchers.for(req.url),
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      const bytes = req.binary ? Buffer.from(await res.body.arrayBuffer()) : undefined;
      const text = bytes ? '' : await res.body.text();
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers))
        if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.statusCode, headers: out, text, body: parsed, ...(bytes ? { bytes } : {}) };
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      const host = safeHost(req.url);
      if (code === 'SSRF_BLOCKED' || (err as { cause?: { code?: string } }).cause?.code === 'SSRF_BLOCKED') {
        throw plexusError('unprocessable', {
          message: `${host} resolves to a private or reserved address.`,
          details: [{ message: 'ssrf_blocked' }],
        });
      }
      if (code.includes('TIMEOUT'))
        throw plexusError('provider.timeout', { message: `${host} did not answer in time.`, cause: err });
      throw plexusError('provider.unavailable', {
        message: `${host} could not be reached (${code || 'network error'}).`,
        cause: err,
      });
    }
  }

  async close(): Promise<void> {
    await this.dispatchers.close();
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the platform';
  }
}
