import { randomUUID } from 'node:crypto';
import createClient, { type Client } from 'openapi-fetch';
import { PlexusError } from './errors.ts';
import type { components, paths } from './generated/schema.ts';
import { retryingFetch } from './retry.ts';

export { PlexusError, type ErrorCode } from './errors.ts';
export { verifyWebhook, type WebhookEvent, type WebhookEventType } from './webhooks.ts';
export type { components, paths } from './generated/schema.ts';
export type Schemas = components['schemas'];

export interface PlexusOptions {
  /** An org API key (`plx_…`). */
  apiKey: string;
  /** Where Plexus runs, e.g. `https://plexus.example.com`. */
  baseUrl: string;
  /** Retries on 429/5xx and network errors (default 3). */
  maxRetries?: number;
  /** First back-off delay (default 500 ms), doubled per attempt up to maxDelayMs (default 30 s). */
  retryDelayMs?: number;
  maxDelayMs?: number;
  fetch?: typeof fetch;
}

type Query<P extends keyof paths, M extends 'get'> = paths[P][M] extends { parameters: { query?: infer Q } }
  ? NonNullable<Q>
  : never;
type Body<P extends keyof paths, M extends 'post' | 'patch'> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;
interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** The data of an answer, or a PlexusError with the API's code. */
async function unwrap<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await p;
  if (!response.ok || error !== undefined) throw new PlexusError(response.status, error);
  return data as T;
}

/** Every item of a list, page after page: `for await (const c of plexus.connections.list())`. */
function paginate<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
): AsyncIterable<T> & { firstPage(): Promise<Page<T>> } {
  return {
    firstPage: () => fetchPage(undefined),
    async *[Symbol.asyncIterator]() {
      let cursor: string | undefined;
      do {
        const page = await fetchPage(cursor);
        yield* page.data;
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
    },
  };
}

/**
 * The Plexus client: `createPlexus({ apiKey, baseUrl })`. Resources cover the common calls;
 * `raw` is the fully typed client for every operation of the API. Every POST carries an
 * Idempotency-Key (a new one per call unless given), so the built-in retries never create twice.
 */
export function createPlexus(opts: PlexusOptions) {
  const raw: Client<paths> = createClient<paths>({
    baseUrl: opts.baseUrl.replace(/\/$/, ''),
    fetch: retryingFetch(opts.fetch ?? globalThis.fetch, {
      maxRetries: opts.maxRetries ?? 3,
      baseDelayMs: opts.retryDelayMs ?? 500,
      maxDelayMs: opts.maxDelayMs ?? 30_000,
    }),
  });
  raw.use({
    onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${opts.apiKey}`);
      if (request.method === 'POST' && !request.headers.has('idempotency-key'))
        request.headers.set('idempotency-key', randomUUID());
      return request;
    },
  });
  const key = (idempotencyKey?: string) => (idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : {});
  const path = (id: string) => ({ params: { path: { id } } });

  return {
    raw,
    org: {
      get: () => unwrap(raw.GET('/v1/org')),
    },
    providers: {
      list: () => unwrap(raw.GET('/v1/providers')),
    },
    connectSessions: {
      create: (body: Body<'/v1/connect-sessions', 'post'>, o: { idempotencyKey?: string } = {}) =>
        unwrap(raw.POST('/v1/connect-sessions', { body, ...key(o.idempotencyKey) })),
      get: (id: string) => unwrap(raw.GET('/v1/connect-sessions/{id}', path(id))),
    },
    connections: {
      list: (query: Omit<Query<'/v1/connections', 'get'>, 'cursor'> = {}) =>
        paginate((cursor) =>
          unwrap(raw.GET('/v1/connections', { params: { query: { ...query, ...(cursor ? { cursor } : {}) } } })),
        ),
      get: (id: string) => unwrap(raw.GET('/v1/connections/{id}', path(id))),
      update: (id: string, body: Body<'/v1/connections/{id}', 'patch'>) =>
        unwrap(raw.PATCH('/v1/connections/{id}', { ...path(id), body })),
      delete: (id: string) => unwrap(raw.DELETE('/v1/connections/{id}', path(id))),
      refresh: (id: string) => unwrap(raw.POST('/v1/connections/{id}/refresh', path(id))),
      sync: (id: string) => unwrap(raw.POST('/v1/connections/{id}/syncs', path(id))),
      syncs: (id: string) => unwrap(raw.GET('/v1/connections/{id}/syncs', path(id))),
    },
    webhookEndpoints: {
      create: (body: Body<'/v1/webhook-endpoints', 'post'>, o: { idempotencyKey?: string } = {}) =>
        unwrap(raw.POST('/v1/webhook-endpoints', { body, ...key(o.idempotencyKey) })),
      list: () =>
        paginate((cursor) => unwrap(raw.GET('/v1/webhook-endpoints', { params: { query: cursor ? { cursor } : {} } }))),
      get: (id: string) => unwrap(raw.GET('/v1/webhook-endpoints/{id}', path(id))),
      test: (id: string) => unwrap(raw.POST('/v1/webhook-endpoints/{id}/test', path(id))),
      deliveries: (id: string) =>
        paginate((cursor) =>
          unwrap(
            raw.GET('/v1/webhook-endpoints/{id}/deliveries', {
              params: { path: { id }, query: cursor ? { cursor } : {} },
            }),
          ),
        ),
    },
    ads: {
      campaigns: {
        create: (body: Body<'/v1/ads/campaigns', 'post'>, o: { idempotencyKey?: string } = {}) =>
          unwrap(raw.POST('/v1/ads/campaigns', { body, ...key(o.idempotencyKey) })),
        list: (query: Omit<Query<'/v1/ads/campaigns', 'get'>, 'cursor'> = {}) =>
          paginate((cursor) =>
            unwrap(raw.GET('/v1/ads/campaigns', { params: { query: { ...query, ...(cursor ? { cursor } : {}) } } })),
          ),
        update: (id: string, body: Body<'/v1/ads/campaigns/{id}', 'patch'>) =>
          unwrap(raw.PATCH('/v1/ads/campaigns/{id}', { params: { path: { id } }, body })),
        pause: (id: string) => unwrap(raw.POST('/v1/ads/campaigns/{id}/pause', path(id))),
        resume: (id: string) => unwrap(raw.POST('/v1/ads/campaigns/{id}/resume', path(id))),
      },
    },
    content: {
      upsert: (body: Body<'/v1/content', 'post'>, o: { idempotencyKey?: string } = {}) =>
        unwrap(raw.POST('/v1/content', { body, ...key(o.idempotencyKey) })),
      get: (id: string) => unwrap(raw.GET('/v1/content/{id}', path(id))),
      update: (id: string, body: Body<'/v1/content/{id}', 'patch'>) =>
        unwrap(raw.PATCH('/v1/content/{id}', { ...path(id), body })),
      list: () => paginate((cursor) => unwrap(raw.GET('/v1/content', { params: { query: cursor ? { cursor } : {} } }))),
    },
    publish: {
      create: (body: Body<'/v1/publish', 'post'>, o: { idempotencyKey?: string } = {}) =>
        unwrap(raw.POST('/v1/publish', { body, ...key(o.idempotencyKey) })),
      get: (id: string) => unwrap(raw.GET('/v1/publish/{id}', path(id))),
      rollback: (id: string) => unwrap(raw.POST('/v1/publish/{id}/rollback', path(id))),
    },
    conflicts: {
      list: (query: Omit<Query<'/v1/conflicts', 'get'>, 'cursor'> = {}) =>
        paginate((cursor) =>
          unwrap(raw.GET('/v1/conflicts', { params: { query: { ...query, ...(cursor ? { cursor } : {}) } } })),
        ),
      get: (id: string) => unwrap(raw.GET('/v1/conflicts/{id}', path(id))),
      resolve: (id: string, body: Body<'/v1/conflicts/{id}/resolve', 'post'>) =>
        unwrap(raw.POST('/v1/conflicts/{id}/resolve', { ...path(id), body })),
    },
    deadLetters: {
      list: () =>
        paginate((cursor) => unwrap(raw.GET('/v1/dead-letters', { params: { query: cursor ? { cursor } : {} } }))),
      replay: (id: string) => unwrap(raw.POST('/v1/dead-letters/{id}/replay', path(id))),
    },
  };
}

export type Plexus = ReturnType<typeof createPlexus>;
