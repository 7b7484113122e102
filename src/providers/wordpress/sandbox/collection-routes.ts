/** The routes every WP_REST_Controller collection registers under `/wp/v2/<base>`. */
import type { Router, SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { WpContext, WpRequest } from './context.ts';

/** A handler for one kind of collection (a post type, a taxonomy) served under `base`. */
export type CollectionHandler<K> = (ctx: WpContext, req: WpRequest, kind: K, base: string) => SandboxResponse;

export interface CollectionHandlers<K> {
  list: CollectionHandler<K>;
  create: CollectionHandler<K>;
  getOne: CollectionHandler<K>;
  update: CollectionHandler<K>;
  remove: CollectionHandler<K>;
}

/** List and create on the collection; read, update (POST, PUT or PATCH) and delete on `/:id`. */
export function collectionRoutes<K>(
  api: Router,
  ctx: WpContext,
  base: string,
  kind: K,
  h: CollectionHandlers<K>,
): void {
  const route =
    (fn: CollectionHandler<K>): Parameters<Router['add']>[2] =>
    (req) =>
      fn(ctx, req as WpRequest, kind, base);
  api.add('GET', `/wp/v2/${base}`, route(h.list));
  api.add('POST', `/wp/v2/${base}`, route(h.create));
  api.add('GET', `/wp/v2/${base}/:id`, route(h.getOne));
  api.add(['POST', 'PUT', 'PATCH'], `/wp/v2/${base}/:id`, route(h.update));
  api.add('DELETE', `/wp/v2/${base}/:id`, route(h.remove));
}
