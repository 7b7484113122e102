import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from '../../packages/sdk/src/generated/schema.ts';

/**
 * The browser's client of the public `/v1` API: the SDK's generated types over openapi-fetch,
 * authenticated by the portal session cookie (sent by the browser) and, on every write, the
 * session's CSRF token in a header. The app reaches Plexus through this client only.
 */
export type Schemas = components['schemas'];
export type ApiClient = Client<paths>;

/** The JSON answer of `GET path` with status 200, e.g. `Ok<'/v1/connections'>`. */
export type Ok<P extends keyof paths, M extends 'get' | 'post' | 'patch' | 'delete' = 'get'> = paths[P][M] extends {
  responses: infer R;
}
  ? R extends { 200: { content: { 'application/json': infer B } } }
    ? B
    : R extends { 202: { content: { 'application/json': infer B } } }
      ? B
      : R extends { 201: { content: { 'application/json': infer B } } }
        ? B
        : never
  : never;

/** One row of a paginated list answer. */
export type Row<P extends keyof paths> = Ok<P> extends { data: Array<infer T> } ? T : never;

/** An answer other than 2xx, with the API's machine-readable code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const CSRF_HEADER = 'x-csrf-token';

export function createApi(opts: { csrfToken: () => string | undefined; baseUrl?: string }): ApiClient {
  const api = createClient<paths>({ baseUrl: opts.baseUrl ?? location.origin, credentials: 'same-origin' });
  api.use({
    onRequest({ request }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        const token = opts.csrfToken();
        if (token) request.headers.set(CSRF_HEADER, token);
        if (request.method === 'POST' && !request.headers.has('idempotency-key'))
          request.headers.set('idempotency-key', crypto.randomUUID());
      }
      return request;
    },
  });
  return api;
}

/** The data of an answer, or an ApiError carrying the API's code and message. */
export async function unwrap<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await p;
  if (!response.ok || error !== undefined) {
    const e = ((error as { error?: unknown } | undefined)?.error ?? {}) as { code?: unknown; message?: unknown };
    throw new ApiError(
      response.status,
      typeof e.code === 'string' ? e.code : 'http_error',
      typeof e.message === 'string' ? e.message : `HTTP ${response.status}`,
    );
  }
  return data as T;
}
