import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { byRequest } from '../audit/actor.ts';
import { recordAudit, type AuditAction, type AuditEntry } from '../audit/record.ts';
import type { PoolClient } from '../db/pool.ts';
import { withOrgTx } from '../db/tx.ts';
import type { AppDeps } from './deps.ts';
import { found } from './found.ts';
import { type Cursor, decodeCursor, page } from './pagination.ts';
import { orgOf } from './plugins/auth.ts';
import { routeGroup } from './route-schema.ts';
import { authErrors } from './schemas.ts';

/** Records what the request's caller did, in the transaction that did it. */
export type AuditRecorder = (
  action: AuditAction,
  target: NonNullable<AuditEntry['target']>,
  details?: AuditEntry['details'],
) => Promise<void>;

/** Work on one organisation's data, in its transaction. */
export type OrgWork<T> = (c: PoolClient, orgId: string, audit: AuditRecorder) => Promise<T>;

/** A request whose query asks for a page (see `pageQuery`). */
type PageRequest = FastifyRequest & { query: { cursor?: string | undefined; limit: number } };

/**
 * How the org API's routes reach the database: each read or write runs in one transaction that
 * row-level security confines to the organisation of the request's API key or portal session.
 */
export function orgScope(deps: Pick<AppDeps, 'db'>) {
  const tx = <T>(req: FastifyRequest, work: OrgWork<T>): Promise<T> => {
    const orgId = orgOf(req);
    return withOrgTx(deps.db.app, orgId, (c) =>
      work(c, orgId, (action, target, details = {}) =>
        recordAudit(c, orgId, { ...byRequest(req), action, target, details }),
      ),
    );
  };

  /** One row by the id in the path, or the 404 `message`. */
  const one = async <T>(
    req: FastifyRequest & { params: { id: string } },
    get: (c: PoolClient, orgId: string, id: string) => Promise<T | null | undefined>,
    message: string,
  ): Promise<T> => found(await tx(req, (c, orgId) => get(c, orgId, req.params.id)), message);

  /**
   * A page of a list, newest first. A store's list takes the client, the org, its own arguments
   * (`args`: filters, a parent's id), then the cursor and how many rows: one more than the page,
   * to know whether another follows.
   */
  const listPage = async <A extends unknown[], R, O = R>(
    req: PageRequest,
    list: (c: PoolClient, orgId: string, ...rest: [...A, Cursor | undefined, number]) => Promise<R[]>,
    args: A,
    keyOf: (row: R) => [Date, string],
    format?: (row: R) => O,
  ) => {
    const { limit } = req.query;
    const cursor = decodeCursor(req.query.cursor);
    const rows = await tx(req, (c, orgId) => list(c, orgId, ...args, cursor, limit + 1));
    return page(rows, limit, keyOf, format);
  };

  return { tx, one, listPage };
}

/** What an org API plugin registers its routes with. */
export interface OrgRouteKit {
  deps: AppDeps;
  org: ReturnType<typeof orgScope>;
  /** The routes' schemas: the plugin's tag, and the errors of an authenticated route. */
  schema: ReturnType<typeof routeGroup<typeof authErrors>>;
}

/** A plugin of org API routes (behind an API key or a portal session) under one tag of the document. */
export function orgRoutePlugin(
  tag: string,
  register: (app: Parameters<FastifyPluginAsyncZod<AppDeps>>[0], kit: OrgRouteKit) => Promise<void>,
): FastifyPluginAsyncZod<AppDeps> {
  return (app, deps) => register(app, { deps, org: orgScope(deps), schema: routeGroup(tag, authErrors) });
}
