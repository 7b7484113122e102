/**
 * Graph object routes: the user, ad accounts, and campaign / ad set / ad nodes and edges
 * (`GET|POST /act_{id}/campaigns|adsets|ads`, `GET|POST|DELETE /{id}`).
 */
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import { authenticate, params, requireScope, str, type MetaContext } from './context.ts';
import { unsupportedRequest } from './errors.ts';
import { readFields, readFilter } from './fields.ts';
import { total } from './metrics.ts';
import { addDays, graphTime } from './time.ts';
import { pageById, readLimit } from './paging.ts';
import { validateCreate, validateUpdate } from './writes.ts';
import type { Entity, Kind, MetaWorld } from './world.ts';

type ChildKind = Exclude<Kind, 'account'>;
const EDGES: Record<string, ChildKind> = { campaigns: 'campaign', adsets: 'adset', ads: 'ad' };

export interface GraphHooks {
  /** Other node types served elsewhere (report runs, the app); undefined when unknown. */
  otherNode(req: SandboxRequest, id: string): SandboxResponse | Promise<SandboxResponse> | undefined;
}

export function graphRoutes(r: Router, ctx: MetaContext, hooks: GraphHooks): void {
  r.add('GET', '/me', (req) => withAuth(ctx, req, 'read', () => me(ctx, req)));
  r.add('GET', '/me/adaccounts', (req) => withAuth(ctx, req, 'read', () => adAccounts(ctx, req)));
  r.add('GET', '/:node/adaccounts', (req) =>
    req.params['node'] === ctx.config.user.id
      ? withAuth(ctx, req, 'read', () => adAccounts(ctx, req))
      : unsupportedRequest('GET', req.params['node'] ?? ''),
  );

  r.add('GET', '/:node', async (req) => {
    const id = req.params['node'] ?? '';
    const e = ctx.world.get(id);
    if (!e)
      return (
        (await hooks.otherNode(req, id)) ??
        (id === ctx.config.user.id ? withAuth(ctx, req, 'read', () => me(ctx, req)) : unsupportedRequest('GET', id))
      );
    return withAuth(ctx, req, 'read', () => {
      const fields = readFields(params(req), e.kind);
      return Array.isArray(fields) ? json(200, serialize(ctx, e, fields)) : fields;
    });
  });

  r.add('POST', '/:node', async (req) => {
    const id = req.params['node'] ?? '';
    const e = ctx.world.get(id);
    if (!e) return (await hooks.otherNode(req, id)) ?? unsupportedRequest('POST', id);
    return withAuth(ctx, req, 'write', () => {
      const v = validateUpdate(e, params(req));
      if (!v.ok) return v.res;
      if (v.fields['status'] === 'DELETED') ctx.world.softDelete(e, ctx.now());
      else ctx.world.update(e, v.fields, ctx.now());
      return json(200, { success: true });
    });
  });

  r.add('DELETE', '/:node', async (req) => {
    const id = req.params['node'] ?? '';
    const e = ctx.world.get(id);
    if (!e || e.kind === 'account') return (await hooks.otherNode(req, id)) ?? unsupportedRequest('DELETE', id);
    return withAuth(ctx, req, 'write', () => {
      ctx.world.softDelete(e, ctx.now());
      return json(200, { success: true });
    });
  });

  r.add('GET', '/:node/:edge', (req) => {
    const parent = ctx.world.get(req.params['node'] ?? '');
    const kind = EDGES[req.params['edge'] ?? ''];
    if (!parent || !kind || parent.kind === 'ad' || parent.kind === kind)
      return unsupportedRequest('GET', req.params['node'] ?? '');
    return withAuth(ctx, req, 'read', () => listEdge(ctx, req, parent, kind));
  });

  r.add('POST', '/:node/:edge', (req) => {
    const account = ctx.world.get(req.params['node'] ?? '');
    const kind = EDGES[req.params['edge'] ?? ''];
    if (!account || account.kind !== 'account' || !kind) return unsupportedRequest('POST', req.params['node'] ?? '');
    return withAuth(ctx, req, 'write', () => {
      const v = validateCreate(kind, params(req), ctx.world, account);
      if (!v.ok) return v.res;
      const time = graphTime(ctx.now());
      const e = ctx.world.insert(kind, account.accountId, { ...v.fields, created_time: time, updated_time: time });
      return json(200, { id: e.id });
    });
  });
}

export function withAuth(
  ctx: MetaContext,
  req: SandboxRequest,
  access: 'read' | 'write',
  fn: () => SandboxResponse,
): SandboxResponse {
  const auth = authenticate(ctx, req);
  if (!auth.ok) return auth.res;
  return requireScope(auth.caller, access) ?? fn();
}

function me(ctx: MetaContext, req: SandboxRequest): SandboxResponse {
  const wanted = (str(params(req), 'fields') ?? 'id,name').split(',').map((f) => f.trim());
  const user: Record<string, string> = { id: ctx.config.user.id, name: ctx.config.user.name };
  return json(200, Object.fromEntries(Object.entries(user).filter(([k]) => wanted.includes(k) || k === 'id')));
}

function adAccounts(ctx: MetaContext, req: SandboxRequest): SandboxResponse {
  const p = params(req);
  const fields = readFields(p, 'account');
  if (!Array.isArray(fields)) return fields;
  const limit = readLimit(p);
  if (typeof limit !== 'number') return limit;
  const sorted = [...ctx.world.accounts].sort((a, b) => (BigInt(b.accountId) > BigInt(a.accountId) ? 1 : -1));
  const { page, paging } = pageById(ctx, req, p, sorted, limit);
  return json(200, { data: page.map((e) => serialize(ctx, e, fields)), ...(paging ? { paging } : {}) });
}

function listEdge(ctx: MetaContext, req: SandboxRequest, parent: Entity, kind: ChildKind): SandboxResponse {
  const p = params(req);
  const fields = readFields(p, kind);
  if (!Array.isArray(fields)) return fields;
  const limit = readLimit(p);
  if (typeof limit !== 'number') return limit;
  const keep = readFilter(p, ctx.world);
  if (typeof keep !== 'function') return keep;
  const items = ctx.world.under(parent, kind).filter(keep);
  const { page, paging } = pageById(ctx, req, p, items, limit);
  const summary = str(p, 'summary');
  return json(200, {
    data: page.map((e) => serialize(ctx, e, fields)),
    ...(paging ? { paging } : {}),
    ...(summary === 'true' || summary?.includes('total_count') ? { summary: { total_count: items.length } } : {}),
  });
}

const spentCache = new WeakMap<MetaWorld, Map<string, { stamp: string; value: string }>>();

/** Lifetime spend of an account, minor units as a string, cached until a restatement. */
function amountSpent(world: MetaWorld, account: Entity): string {
  const stamp = [...world.restated.entries()].join(';');
  const cache = spentCache.get(world) ?? new Map<string, { stamp: string; value: string }>();
  spentCache.set(world, cache);
  const hit = cache.get(account.id);
  if (hit && hit.stamp === stamp) return hit.value;
  const dates = Array.from({ length: world.days }, (_, i) => addDays(world.firstDay, i));
  const value = String(total(world, world.under(account, 'ad'), dates).spendMinor);
  cache.set(account.id, { stamp, value });
  return value;
}

export function serialize(ctx: MetaContext, e: Entity, fields: readonly string[]): Record<string, unknown> {
  return ctx.world.serialize(e, fields, (ent, f) =>
    f === 'amount_spent' && ent.kind === 'account' ? amountSpent(ctx.world, ent) : undefined,
  );
}
