/**
 * HTTP helpers shared by the provider sandbox tests (src/providers/<name>/sandbox*.test.ts and
 * src/providers/<name>/sandbox/*.test.ts): starting a sandbox on a test clock, calling it without
 * following redirects, building request bodies, and a local webhook receiver.
 */
import type { TestContext } from 'node:test';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningSandbox, Sandbox, SandboxOptions } from '../../src/sandbox/kit/types.ts';

/** The instant every sandbox test clock starts at. */
export const T0 = Date.parse('2025-11-20T12:00:00Z');

/** A mutable test clock: sandboxes read `clock.t` through their `now` option. */
export interface Clock {
  t: number;
}

/**
 * Starts `factory` with `now` reading a fresh clock at `t0` (an explicit `now` in `options` wins)
 * and closes it when the test ends.
 */
export async function startSandbox<R extends RunningSandbox, O extends SandboxOptions>(
  t: TestContext,
  factory: Sandbox<R>,
  options: O,
  t0 = T0,
): Promise<{ sb: R; clock: Clock }> {
  const clock: Clock = { t: t0 };
  const sb = await factory.start({ now: () => clock.t, ...options });
  t.after(() => sb.close());
  return { sb, clock };
}

/** A response with its body parsed as JSON where it is JSON; anything else stays text. */
export interface Res {
  status: number;
  headers: Headers;
  body: any;
  /** The raw body text. */
  text: string;
}

/** fetch with `redirect: 'manual'`; the body is parsed as JSON when it parses, else kept as text. */
export async function call(url: string, init: RequestInit = {}): Promise<Res> {
  const res = await fetch(url, { ...init, redirect: 'manual' });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // HTML, form-encoded, plain-text and empty bodies stay text.
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** `init` for a {@link call} made by {@link callWithCredential}: RequestInit plus the credential option `K`. */
export type CredentialInit<K extends string> = RequestInit & { [P in K]?: string };

/**
 * A {@link call} that also takes a credential as `init[key]` and, when it is non-empty, sends it in
 * the `header` request header as `${prefix}${value}` (e.g. `('token', 'authorization', 'Bearer ')`).
 */
export function callWithCredential<K extends string>(key: K, header: string, prefix = '') {
  return (url: string, init: CredentialInit<K> = {}): Promise<Res> => {
    const headers = new Headers(init.headers);
    const value = (init as Partial<Record<K, string>>)[key];
    if (value) headers.set(header, `${prefix}${value}`);
    return call(url, { ...init, headers });
  };
}

/** A POST with an `application/x-www-form-urlencoded` body. */
export function form(values: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(values).toString(),
  };
}

/** A POST with a JSON body; `headers` are sent after the content type. */
export function jsonPost(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** An HTTP Basic `authorization` header value. */
export function basic(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

/** Serves `handler` on a free port of 127.0.0.1 until the test ends; resolves to the origin (`http://127.0.0.1:<port>`). */
export async function listen(
  t: TestContext,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** One request a {@link receiver} recorded. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface ReceiverOptions {
  /**
   * Answers GET requests (challenge handshakes) instead of recording them. `url` is the request
   * URL resolved against `http://127.0.0.1`.
   */
  onGet?: (url: URL, res: ServerResponse) => void;
}

/**
 * A webhook subscriber on 127.0.0.1: records each request's headers and body in `got` and answers
 * it with the next status in `statuses` (the last one repeats). `url` is the receiver's origin
 * followed by `path`.
 */
export async function receiver(t: TestContext, path: string, statuses: number[] = [200], o: ReceiverOptions = {}) {
  const got: Received[] = [];
  const origin = await listen(t, (req, res) => {
    if (o.onGet && req.method === 'GET') {
      o.onGet(new URL(req.url ?? '/', 'http://127.0.0.1'), res);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = statuses[Math.min(got.length - 1, statuses.length - 1)] ?? 200;
      res.end();
    });
  });
  return { url: `${origin}${path}`, got };
}
