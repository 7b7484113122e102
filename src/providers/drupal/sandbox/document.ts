/**
 * JSON:API envelopes shared by the Drupal routes: documents, error objects (string `status`,
 * `links.via`/`links.info`, or `source.pointer` for validation), request bodies sent as
 * `application/vnd.api+json`, and the read-only / content-type gate in front of every write.
 */
import type { SandboxRequest, SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { DrupalCtx } from './site.ts';

export const JSONAPI = 'application/vnd.api+json';
const JSONAPI_META = { version: '1.0', meta: { links: { self: { href: 'http://jsonapi.org/format/1.0/' } } } };
const RFC: Record<number, string> = {
  400: '10.4.1',
  401: '10.4.2',
  403: '10.4.4',
  404: '10.4.5',
  405: '10.4.6',
  409: '10.4.10',
  415: '10.4.16',
  422: '10.4.1',
  429: '10.4.1',
  500: '10.5.1',
  503: '10.5.4',
};
const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function doc(
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): SandboxResponse {
  return { status, headers: { 'content-type': JSONAPI, ...headers }, body: { jsonapi: JSONAPI_META, ...body } };
}

export function jsonapiError(
  req: SandboxRequest,
  baseUrl: string,
  status: number,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): SandboxResponse {
  const error: Record<string, unknown> = { title: TITLES[status] ?? 'Error', status: String(status), detail };
  if (extra['source']) error['source'] = extra['source'];
  else
    error['links'] = {
      via: { href: `${baseUrl}${req.url.pathname}${req.url.search}` },
      info: { href: `http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec${RFC[status] ?? '10.4.1'}` },
    };
  return doc(status, { errors: [error] }, headers);
}

/** 422 with one error object per violation: `detail` is "<field path>: <message>", `source.pointer` the member. */
export function violations(list: { pointer: string; detail: string }[]): SandboxResponse {
  return doc(422, {
    errors: list.map((v) => ({
      title: 'Unprocessable Content',
      status: '422',
      detail: v.detail,
      source: { pointer: v.pointer },
    })),
  });
}

/** The kit only parses `application/json`; JSON:API documents arrive as `application/vnd.api+json`. */
export function documentOf(req: SandboxRequest): Record<string, unknown> | undefined {
  if (Object.keys(req.body).length) return req.body;
  try {
    const v: unknown = JSON.parse(req.rawBody.toString('utf8') || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `read_only` answers 405 to every write; writes with a body must say `application/vnd.api+json` (or `contentType`). */
export function writable(
  ctx: DrupalCtx,
  req: SandboxRequest,
  needsBody = true,
  contentType = JSONAPI,
): SandboxResponse | undefined {
  if (ctx.readOnly)
    return jsonapiError(
      req,
      ctx.baseUrl,
      405,
      'JSON:API is configured to accept only read operations. Site administrators can configure this at /admin/config/services/jsonapi.',
    );
  const type = (req.headers['content-type'] ?? '').toString().split(';')[0]?.trim();
  if (needsBody && type !== contentType)
    return jsonapiError(req, ctx.baseUrl, 415, `No route found that matches "Content-Type: ${type ?? ''}"`);
  return undefined;
}

export function rfc3339(sec: number): string {
  return `${new Date(sec * 1000).toISOString().slice(0, 19)}+00:00`;
}

/**
 * `page[offset]`/`page[limit]` (default and maximum 50, larger values silently capped, cms.md
 * §2.2) with `links.self`, `first`/`prev` past the start and `next` while more rows exist.
 */
export function paginate<T>(
  ctx: DrupalCtx,
  req: SandboxRequest,
  rows: readonly T[],
): { page: T[]; links: Record<string, unknown> } {
  const limit = Math.min(50, Math.max(1, Number.parseInt(req.url.searchParams.get('page[limit]') ?? '50', 10) || 50));
  const offset = Math.max(0, Number.parseInt(req.url.searchParams.get('page[offset]') ?? '0', 10) || 0);
  const link = (o: number) => {
    const u = new URL(`${ctx.baseUrl}${req.url.pathname}${req.url.search}`);
    u.searchParams.set('page[offset]', String(o));
    u.searchParams.set('page[limit]', String(limit));
    return { href: u.toString() };
  };
  const links: Record<string, unknown> = { self: { href: `${ctx.baseUrl}${req.url.pathname}${req.url.search}` } };
  if (offset > 0) Object.assign(links, { first: link(0), prev: link(Math.max(0, offset - limit)) });
  if (rows.length > offset + limit) links['next'] = link(offset + limit);
  return { page: rows.slice(offset, offset + limit), links };
}
