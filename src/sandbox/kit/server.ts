/**
 * Loopback HTTP plumbing for sandboxes: a listener on 127.0.0.1, request parsing (query,
 * JSON and form bodies) and a small path router, so a sandbox is a set of route handlers
 * that return plain response objects.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SandboxRequest {
  method: string;
  /** Path without the query string, percent-decoding left to handlers. */
  path: string;
  url: URL;
  /** Query parameters; a repeated key keeps its last value. */
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Parsed JSON object or form fields; `{}` when there is no body or it is not an object. */
  body: Record<string, unknown>;
  /** Set when the body claimed to be JSON but did not parse. */
  bodyError?: 'invalid_json';
  /** Filled by the router from `:name` segments. */
  params: Record<string, string>;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON, strings as text (or the given content-type), Buffers as-is. */
  body?: unknown;
}

export type Handler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers, body };
}

export function html(status: number, page: string): SandboxResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page };
}

export function redirect(location: string): SandboxResponse {
  return { status: 302, headers: { location }, body: '' };
}

interface Route {
  method: string;
  segments: readonly string[];
  handler: Handler;
}

/** First registered match wins; `:name` matches exactly one non-empty segment. */
export class Router {
  readonly #routes: Route[] = [];

  add(method: string | readonly string[], pattern: string, handler: Handler): this {
    const methods = typeof method === 'string' ? [method] : method;
    for (const m of methods) {
      this.#routes.push({ method: m.toUpperCase(), segments: splitPath(pattern), handler });
    }
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | undefined {
    const parts = splitPath(path);
    for (const route of this.#routes) {
      if (route.method !== method.toUpperCase() || route.segments.length !== parts.length) continue;
      const params = matchSegments(route.segments, parts);
      if (params) return { handler: route.handler, params };
    }
    return undefined;
  }

  /** Whether any method is routed at this path (to tell 405 from 404 if a sandbox cares). */
  hasPath(path: string): boolean {
    const parts = splitPath(path);
    return this.#routes.some(
      (r) => r.segments.length === parts.length && matchSegments(r.segments, parts) !== undefined,
    );
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] ?? '';
    const v = parts[i] ?? '';
    if (p.startsWith(':')) params[p.slice(1)] = safeDecode(v);
    else if (p !== v) return undefined;
  }
  return params;
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

export interface ServerHandle {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ListenOptions {
  port?: number;
  /** Bodies above this are refused with 413 before parsing. */
  maxBodyBytes?: number;
}

const LOOPBACK = '127.0.0.1';

/** Listens on loopback only; a sandbox must never be reachable from another machine. */
export async function listen(
  handle: (req: SandboxRequest) => Promise<SandboxResponse>,
  opts: ListenOptions = {},
): Promise<ServerHandle> {
  const maxBody = opts.maxBodyBytes ?? 5 * 1024 * 1024;
  const server = createServer((incoming, out) => {
    void (async () => {
      let res: SandboxResponse;
      try {
        const rawBody = await readBody(incoming, maxBody);
        if (rawBody === undefined) res = json(413, { error: 'payload_too_large' });
        else res = await handle(parseRequest(incoming, rawBody));
      } catch (err) {
        res = json(500, { error: 'sandbox_internal_error', message: err instanceof Error ? err.message : String(err) });
      }
      if (out.destroyed) return;
      const { body, contentType } = serialize(res.body);
      const headers: Record<string, string> = {
        ...(contentType ? { 'content-type': contentType } : {}),
        ...res.headers,
      };
      out.writeHead(res.status, { ...headers, 'content-length': String(body.length) });
      out.end(body);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${LOOPBACK}:${port}`,
    port,
    close() {
      // Keep-alive sockets would hold close() open until they time out; end them now.
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > max) return undefined;
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function parseRequest(req: IncomingMessage, rawBody: Buffer): SandboxRequest {
  const url = new URL(req.url ?? '/', `http://${LOOPBACK}`);
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const parsed: SandboxRequest = {
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    url,
    query,
    headers: req.headers,
    rawBody,
    body: {},
    params: {},
  };
  if (rawBody.length === 0) return parsed;
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.includes('application/json')) {
    try {
      const value: unknown = JSON.parse(rawBody.toString('utf8'));
      if (value && typeof value === 'object' && !Array.isArray(value)) parsed.body = value as Record<string, unknown>;
    } catch {
      parsed.bodyError = 'invalid_json';
    }
  } else if (type.includes('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(rawBody.toString('utf8'))) parsed.body[k] = v;
  }
  return parsed;
}

function serialize(body: unknown): { body: Buffer; contentType?: string } {
  if (body === undefined || body === null) return { body: Buffer.alloc(0) };
  if (Buffer.isBuffer(body)) return { body, contentType: 'application/octet-stream' };
  if (typeof body === 'string') return { body: Buffer.from(body, 'utf8'), contentType: 'text/plain; charset=utf-8' };
  return { body: Buffer.from(JSON.stringify(body), 'utf8'), contentType: 'application/json; charset=UTF-8' };
}

/** Header lookup that tolerates repeated headers. */
export function header(req: SandboxRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
