import { performance } from 'node:perf_hooks';
import { request, type Dispatcher } from 'undici';
import { GuardedDispatchers, type SsrfPolicy } from '../../security/ssrf.ts';

/** What one POST to an endpoint came to: an HTTP answer, or a transport failure. */
export type SendResult =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: string; latencyMs: number }
  | { kind: 'error'; error: string; latencyMs: number };

export interface WebhookSender {
  post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<SendResult>;
  close(): Promise<void>;
}

/** Only the start of a response is kept (for the excerpt); the rest is not worth buffering. */
const MAX_RESPONSE_BYTES = 16 * 1024;

/**
 * POSTs signed webhooks. Like the platform client, its DNS lookup refuses private and
 * reserved addresses unless the host is allow-listed (checked at connect time, so DNS
 * rebinding is caught), and it never follows redirects: a 3xx is a failed attempt.
 * The body is sent byte for byte as signed.
 */
export function createWebhookSender(policy: SsrfPolicy): WebhookSender {
  const dispatchers = new GuardedDispatchers(policy);
  return {
    async post(url, headers, body, timeoutMs) {
      const started = performance.now();
      const latency = () => Math.round(performance.now() - started);
      try {
        const res = await request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'Plexus-Webhooks/1', ...headers },
          body,
          dispatcher: dispatchers.for(url),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await readCapped(res.body);
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
        return { kind: 'response', status: res.statusCode, headers: out, body: text, latencyMs: latency() };
      } catch (err) {
        return { kind: 'error', error: describe(err, timeoutMs), latencyMs: latency() };
      }
    },
    close: () => dispatchers.close(),
  };
}

async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    chunks.push(buf);
    size += buf.length;
    if (size >= MAX_RESPONSE_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8');
}

/** A short, secret-free description of a transport failure (never the URL, which may carry a token). */
function describe(err: unknown, timeoutMs: number): string {
  const e = err as { code?: string; name?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  if (code === 'SSRF_BLOCKED' || e.cause?.code === 'SSRF_BLOCKED')
    return 'the endpoint resolves to a private or reserved address';
  if (code.includes('TIMEOUT') || e.name === 'TimeoutError' || e.name === 'AbortError')
    return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  return `connection failed (${code || e.name || 'network error'})`;
}
