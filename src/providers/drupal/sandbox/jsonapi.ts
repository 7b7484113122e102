/**
 * Core JSON:API for nodes (`node--article`, `node--page`) and users: the entry point (with
 * `meta.links.me` for an authenticated caller), collections with `filter`, `sort`,
 * `page[offset]`/`page[limit]` (silently capped at 50) and `links.next`, individual resources,
 * read-only mode, `application/vnd.api+json` enforcement, 201/204 writes and error objects
 * whose `status` is a string.
 */
import { createHash } from 'node:crypto';
import { rngFor } from '../../../sandbox/kit/rng.ts';
import type { Router, SandboxRequest, SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { Caller, DrupalAuth, DrupalUser } from './auth.ts';

export const JSONAPI = 'application/vnd.api+json';
const JSONAPI_META = { version: '1.0', meta: { links: { self: { href: 'http://jsonapi.org/format/1.0/' } } } };
const RFC: Record<number, string> = { 400: '10.4.1', 401: '10.4.2', 403: '10.4.4', 404: '10.4.5', 405: '10.4.6', 409: '10.4.10', 415: '10.4.16', 422: '10.4.1', 429: '10.4.1', 500: '10.5.1', 503: '10.5.4' };
const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };

export interface DrupalNode {
  uuid: string;
  nid: number;
  vid: number;
  bundle: 'article' | 'page';
  title: string;
  status: boolean;
  created: number;
  /** Unix seconds, the remote-change marker. */
  changed: number;
  revisionTimestamp: number;
  revisionLog: string | null;
  promote: boolean;
  sticky: boolean;
  body: { value: string; format: string; summary: string };
  uid: number;
  alias: string | null;
}

export interface DrupalCtx {
  baseUrl: string;
  now(): number;
  readOnly: boolean;
  nodes: Map<string, DrupalNode>;
  nextNid: number;
  nextVid: number;
  auth: DrupalAuth;
}

export function doc(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': JSONAPI, ...headers }, body: { jsonapi: JSONAPI_META, ...body } };
}

export function jsonapiError(req: SandboxRequest, baseUrl: string, status: number, detail: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): SandboxResponse {
  const error: Record<string, unknown> = { title: TITLES[status] ?? 'Error', status: String(status), detail };
  if (extra['source']) error['source'] = extra['source'];
  else error['links'] = { via: { href: `${baseUrl}${req.url.pathname}${req.url.search}` }, info: { href: `http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec${RFC[status] ?? '10.4.1'}` } };
  return doc(status, { errors: [error] }, headers);
}

export function uuidOf(...parts: (string | number)[]): string {
  const h = createHash('sha256').update(parts.join('|')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const WORDS = ['drupal', 'community', 'release', 'module', 'theme', 'security', 'update', 'event', 'camp', 'guide', 'migration', 'content', 'editorial', 'workflow', 'news'];

export function seedNodes(seed: number | string, size: number, now: number): Pick<DrupalCtx, 'nodes' | 'nextNid' | 'nextVid'> {
  const nodes = new Map<string, DrupalNode>();
  let vid = 1;
  for (let i = 0; i < size; i++) {
    const rng = rngFor(seed, 'drupal-node', i);
    const nid = i + 1;
    const title = Array.from({ length: rng.int(2, 6) }, () => rng.pick(WORDS)).join(' ');
    const created = Math.floor(now / 1000) - rng.int(86_400, 365 * 86_400);
    const revisions = rng.int(1, 4);
    const changed = Math.min(Math.floor(now / 1000), created + (revisions - 1) * rng.int(60, 20 * 86_400));
    vid += revisions;
    nodes.set(uuidOf(String(seed), 'node', nid), {
      uuid: uuidOf(String(seed), 'node', nid), nid, vid: vid - 1, bundle: i % 7 === 3 ? 'page' : 'article',
      title: title[0]!.toUpperCase() + title.slice(1), status: rng.chance(0.85), created, changed, revisionTimestamp: changed, revisionLog: null,
      promote: rng.chance(0.5), sticky: false, body: { value: `<p>${title}.</p>`, format: 'basic_html', summary: '' }, uid: rng.chance(0.7) ? 1 : 2, alias: null,
    });
  }
  return { nodes, nextNid: size + 1, nextVid: vid };
}

function rfc3339(sec: number): string {
  return `${new Date(sec * 1000).toISOString().slice(0, 19)}+00:00`;
}

function attributes(n: DrupalNode): Record<string, unknown> {
  return {
    drupal_internal__nid: n.nid, drupal_internal__vid: n.vid, langcode: 'en', revision_timestamp: rfc3339(n.revisionTimestamp), revision_log: n.revisionLog,
    status: n.status, title: n.title, created: rfc3339(n.created), changed: rfc3339(n.changed), promote: n.promote, sticky: n.sticky, default_langcode: true,
    revision_translation_affected: true, path: { alias: n.alias, pid: null, langcode: 'en' },
    body: { value: n.body.value, format: n.body.format, processed: n.body.value, summary: n.body.summary },
  };
}

function resource(ctx: DrupalCtx, n: DrupalNode, sparse?: string[]): Record<string, unknown> {
  const self = `${ctx.baseUrl}/jsonapi/node/${n.bundle}/${n.uuid}`;
  let attrs = attributes(n);
  if (sparse) attrs = Object.fromEntries(Object.entries(attrs).filter(([k]) => sparse.includes(k)));
  const author = ctx.auth.user(n.uid);
  const rel = (name: string, type: string, id: string, meta: Record<string, unknown> = {}) => ({
    data: { type, id, meta },
    links: { related: { href: `${self}/${name}?resourceVersion=id%3A${n.vid}` }, self: { href: `${self}/relationships/${name}?resourceVersion=id%3A${n.vid}` } },
  });
  const relationships: Record<string, unknown> = {
    node_type: rel('node_type', 'node_type--node_type', uuidOf('type', n.bundle), { drupal_internal__target_id: n.bundle }),
    revision_uid: rel('revision_uid', 'user--user', author?.uuid ?? uuidOf('user', n.uid), { drupal_internal__target_id: n.uid }),
    uid: rel('uid', 'user--user', author?.uuid ?? uuidOf('user', n.uid), { drupal_internal__target_id: n.uid }),
  };
  const out: Record<string, unknown> = { type: `node--${n.bundle}`, id: n.uuid, links: { self: { href: `${self}?resourceVersion=id%3A${n.vid}` } }, attributes: attrs };
  out['relationships'] = sparse ? Object.fromEntries(Object.entries(relationships).filter(([k]) => sparse.includes(k))) : relationships;
  return out;
}

function userResource(ctx: DrupalCtx, u: DrupalUser, full: boolean): Record<string, unknown> {
  return {
    type: 'user--user', id: u.uuid, links: { self: { href: `${ctx.baseUrl}/jsonapi/user/user/${u.uuid}` } },
    attributes: { display_name: u.name, drupal_internal__uid: u.uid, langcode: 'en', ...(full ? { name: u.name, mail: `${u.name}@example.test`, status: true, roles: u.roles } : { name: u.name }) },
  };
}

type Cond = { path: string; op: string; value: string | string[] };

/** Parses `filter[...]` in the shortcut and the full `condition` forms (groups treated as AND). */
function filters(req: SandboxRequest): Cond[] {
  const raw: Record<string, Record<string, string | string[]>> = {};
  for (const [k, v] of req.url.searchParams) {
    const m = /^filter\[([^\]]+)\](.*)$/.exec(k);
    if (!m) continue;
    const key = m[1]!;
    const rest = m[2]!;
    const entry = (raw[key] ??= {});
    if (rest === '') entry['value'] = v;
    else {
      const sub = /^\[(?:condition\]\[)?([^\]]+)\](\[\])?(\[\d*\])?$/.exec(rest);
      if (!sub) continue;
      const name = sub[1]!;
      if (sub[2] || sub[3]) entry[name] = [...((entry[name] as string[] | undefined) ?? []), v];
      else entry[name] = v;
    }
  }
  const out: Cond[] = [];
  for (const [key, e] of Object.entries(raw)) {
    if (e['conjunction'] !== undefined) continue;
    out.push({ path: typeof e['path'] === 'string' ? e['path'] : key, op: typeof e['operator'] === 'string' ? e['operator'] : '=', value: e['value'] ?? '' });
  }
  return out;
}

function fieldValue(n: DrupalNode, path: string): string | number | boolean | null {
  switch (path) {
    case 'changed': return n.changed;
    case 'created': return n.created;
    case 'status': return n.status ? 1 : 0;
    case 'title': return n.title;
    case 'drupal_internal__nid': case 'nid': return n.nid;
    case 'drupal_internal__vid': case 'vid': return n.vid;
    case 'promote': return n.promote ? 1 : 0;
    case 'id': case 'uuid': return n.uuid;
    case 'body.value': return n.body.value;
    case 'uid.meta.drupal_internal__target_id': case 'uid.id': return n.uid;
    default: return null;
  }
}

function toComparable(v: string, sample: unknown): string | number {
  if (typeof sample !== 'number') return v;
  // Timestamps compare against the stored integer; a date string is also accepted here.
  if (/^-?\d+$/.test(v)) return Number(v);
  if (v === 'true' || v === 'false') return v === 'true' ? 1 : 0;
  const t = Date.parse(v);
  return Number.isNaN(t) ? NaN : Math.floor(t / 1000);
}

function test(c: Cond, n: DrupalNode): boolean {
  const actual = fieldValue(n, c.path);
  const values = (Array.isArray(c.value) ? c.value : [c.value]).map((v) => toComparable(v, actual));
  const v = values[0] ?? '';
  const a = actual as string | number;
  switch (c.op.toUpperCase()) {
    case '=': return a === v;
    case '<>': return a !== v;
    case '>': return a > v;
    case '>=': return a >= v;
    case '<': return a < v;
    case '<=': return a <= v;
    case 'IN': return values.includes(a);
    case 'NOT IN': return !values.includes(a);
    case 'BETWEEN': return a >= v && a <= (values[1] ?? v);
    case 'NOT BETWEEN': return !(a >= v && a <= (values[1] ?? v));
    case 'CONTAINS': return String(a).includes(String(v));
    case 'STARTS_WITH': return String(a).startsWith(String(v));
    case 'ENDS_WITH': return String(a).endsWith(String(v));
    case 'IS NULL': return actual === null;
    case 'IS NOT NULL': return actual !== null;
    default: return false;
  }
}

export function jsonapiRoutes(r: Router, ctx: DrupalCtx, who: (req: SandboxRequest) => Caller): void {
  const err = (req: SandboxRequest, status: number, detail: string, extra: Record<string, unknown> = {}) => jsonapiError(req, ctx.baseUrl, status, detail, extra);
  const isAdmin = (c: Caller) => c.kind === 'user' && c.user.roles.includes('administrator');
  /** Denials: no credentials at all get basic_auth's 401 challenge; anyone else a 403. */
  const denied = (req: SandboxRequest, c: Caller, detail: string) =>
    c.kind === 'anonymous' && !c.credentialsSent
      ? jsonapiError(req, ctx.baseUrl, 401, 'No authentication credentials provided.', {}, { 'www-authenticate': `Basic realm="${ctx.auth.config.siteName}"` })
      : err(req, 403, detail, { source: { pointer: '/data' } });

  r.add('GET', '/jsonapi', (req) => {
    const c = who(req);
    const links: Record<string, unknown> = { self: { href: `${ctx.baseUrl}/jsonapi` } };
    for (const bundle of ['article', 'page']) links[`node--${bundle}`] = { href: `${ctx.baseUrl}/jsonapi/node/${bundle}` };
    links['user--user'] = { href: `${ctx.baseUrl}/jsonapi/user/user` };
    const meta = c.kind === 'user' ? { meta: { links: { me: { meta: { id: c.user.uuid }, href: `${ctx.baseUrl}/jsonapi/user/user/${c.user.uuid}` } } } } : {};
    return doc(200, { data: [], ...meta, links });
  });

  r.add('GET', '/jsonapi/user/user/:uuid', (req) => {
    const c = who(req);
    const u = ctx.auth.config.users.find((x) => x.uuid === req.params['uuid']);
    if (!u) return err(req, 404, `The "user" parameter was not converted for the path "/jsonapi/user/user/{entity}" (route name: "jsonapi.user--user.individual")`);
    const full = c.kind === 'user' && (c.user.uid === u.uid || isAdmin(c));
    return doc(200, { data: userResource(ctx, u, full), links: { self: { href: `${ctx.baseUrl}/jsonapi/user/user/${u.uuid}` } } });
  });

  for (const bundle of ['article', 'page'] as const) {
    const base = `/jsonapi/node/${bundle}`;
    r.add('GET', base, (req) => {
      const c = who(req);
      const conds = filters(req);
      const canSeeAll = c.kind === 'user';
      let rows = [...ctx.nodes.values()].filter((n) => n.bundle === bundle && conds.every((cond) => test(cond, n)));
      const hidden = rows.filter((n) => !n.status && !canSeeAll).length;
      const sorts = (req.query['sort'] ?? '').split(',').filter(Boolean).map((s) => ({ desc: s.startsWith('-'), path: s.replace(/^-/, '') }));
      rows.sort((a, b) => {
        for (const s of sorts) {
          const va = fieldValue(a, s.path) ?? '';
          const vb = fieldValue(b, s.path) ?? '';
          if (va !== vb) return (va < vb ? -1 : 1) * (s.desc ? -1 : 1);
        }
        return a.nid - b.nid;
      });
      const limit = Math.min(50, Math.max(1, Number.parseInt(req.url.searchParams.get('page[limit]') ?? '50', 10) || 50));
      const offset = Math.max(0, Number.parseInt(req.url.searchParams.get('page[offset]') ?? '0', 10) || 0);
      // Paging is applied to the query before access filtering, so a page can come back short.
      const window = rows.slice(offset, offset + limit + 1);
      const hasNext = window.length > limit;
      const page = window.slice(0, limit);
      const visible = page.filter((n) => n.status || canSeeAll);
      const sparse = req.url.searchParams.get(`fields[node--${bundle}]`)?.split(',');
      const link = (o: number) => {
        const u = new URL(`${ctx.baseUrl}${req.url.pathname}${req.url.search}`);
        u.searchParams.set('page[offset]', String(o));
        u.searchParams.set('page[limit]', String(limit));
        return { href: u.toString() };
      };
      const links: Record<string, unknown> = { self: { href: `${ctx.baseUrl}${req.url.pathname}${req.url.search}` } };
      if (offset > 0) Object.assign(links, { first: link(0), prev: link(Math.max(0, offset - limit)) });
      if (hasNext) links['next'] = link(offset + limit);
      const omitted = page.length - visible.length;
      const meta = omitted > 0 && hidden > 0
        ? { meta: { omitted: { detail: 'Some resources have been omitted because of insufficient authorization.', links: { help: { href: 'https://www.drupal.org/docs/8/modules/json-api/filtering#filters-access-control' } } } } }
        : {};
      return doc(200, { data: visible.map((n) => resource(ctx, n, sparse)), ...meta, links });
    });

    r.add('POST', base, (req) => {
      const c = who(req);
      const bad = writable(req, err);
      if (bad) return bad;
      if (c.kind !== 'user') return denied(req, c, 'The current user is not allowed to POST the selected resource.');
      const parsed = documentOf(req);
      if (!parsed) return err(req, 400, 'Syntax error');
      const data = parsed['data'] as Record<string, unknown> | undefined;
      if (!data || typeof data !== 'object') return err(req, 400, 'Missing `data`.');
      if (data['type'] !== `node--${bundle}`) return err(req, 409, `Conflict: The type "${String(data['type'])}" does not match the route's type "node--${bundle}".`);
      const attrs = (data['attributes'] ?? {}) as Record<string, unknown>;
      if (typeof attrs['title'] !== 'string' || !attrs['title']) return err(req, 422, 'title: This value should not be null.', { source: { pointer: '/data/attributes/title' } });
      const uuid = typeof data['id'] === 'string' ? data['id'] : uuidOf('created', ctx.nextNid, ctx.now());
      if (ctx.nodes.has(uuid)) return err(req, 409, `Conflict: Entity already exists.`);
      const t = Math.floor(ctx.now() / 1000);
      const n: DrupalNode = { uuid, nid: ctx.nextNid++, vid: ctx.nextVid++, bundle, title: '', status: true, created: t, changed: t, revisionTimestamp: t, revisionLog: null, promote: bundle === 'article', sticky: false, body: { value: '', format: 'basic_html', summary: '' }, uid: c.user.uid, alias: null };
      applyAttrs(n, attrs);
      ctx.nodes.set(uuid, n);
      const self = `${ctx.baseUrl}${base}/${uuid}`;
      return doc(201, { data: resource(ctx, n), links: { self: { href: self } } }, { Location: self });
    });

    r.add('GET', `${base}/:uuid`, (req) => {
      const c = who(req);
      const n = ctx.nodes.get(req.params['uuid'] ?? '');
      if (!n || n.bundle !== bundle) return err(req, 404, `The "node" parameter was not converted for the path "${base}/{entity}" (route name: "jsonapi.node--${bundle}.individual")`);
      if (!n.status && c.kind !== 'user') return denied(req, c, 'The current user is not allowed to GET the selected resource.');
      const sparse = req.url.searchParams.get(`fields[node--${bundle}]`)?.split(',');
      return doc(200, { data: resource(ctx, n, sparse), links: { self: { href: `${ctx.baseUrl}${base}/${n.uuid}` } } });
    });

    r.add('PATCH', `${base}/:uuid`, (req) => {
      const c = who(req);
      const bad = writable(req, err);
      if (bad) return bad;
      const n = ctx.nodes.get(req.params['uuid'] ?? '');
      if (!n || n.bundle !== bundle) return err(req, 404, `The "node" parameter was not converted for the path "${base}/{entity}" (route name: "jsonapi.node--${bundle}.individual.update")`);
      if (c.kind !== 'user') return denied(req, c, 'The current user is not allowed to PATCH the selected resource.');
      const parsed = documentOf(req);
      if (!parsed) return err(req, 400, 'Syntax error');
      const data = (parsed['data'] ?? {}) as Record<string, unknown>;
      if (data['id'] !== n.uuid) return err(req, 400, `The selected entity (${n.uuid}) does not match the ID in the payload (${String(data['id'])}).`);
      const attrs = (data['attributes'] ?? {}) as Record<string, unknown>;
      // EntityChanged constraint: a `changed` older than the stored one means someone else saved since.
      if (attrs['changed'] !== undefined) {
        const sent = typeof attrs['changed'] === 'number' ? attrs['changed'] : Math.floor(Date.parse(String(attrs['changed'])) / 1000);
        if (!(sent >= n.changed)) return err(req, 422, 'Entity is not valid: The content has either been modified by another user, or you have already submitted modifications. As a result, your changes cannot be saved.', { source: { pointer: '/data' } });
      }
      if (attrs['title'] !== undefined && (typeof attrs['title'] !== 'string' || !attrs['title'])) return err(req, 422, 'title: This value should not be null.', { source: { pointer: '/data/attributes/title' } });
      applyAttrs(n, attrs);
      bump(ctx, n);
      return doc(200, { data: resource(ctx, n), links: { self: { href: `${ctx.baseUrl}${base}/${n.uuid}` } } });
    });

    r.add('DELETE', `${base}/:uuid`, (req) => {
      const c = who(req);
      const bad = writable(req, err, false);
      if (bad) return bad;
      const n = ctx.nodes.get(req.params['uuid'] ?? '');
      if (!n || n.bundle !== bundle) return err(req, 404, `The "node" parameter was not converted for the path "${base}/{entity}" (route name: "jsonapi.node--${bundle}.individual.delete")`);
      if (c.kind !== 'user') return denied(req, c, 'The current user is not allowed to DELETE the selected resource.');
      ctx.nodes.delete(n.uuid);
      return { status: 204 };
    });
  }

  function writable(req: SandboxRequest, e: typeof err, needsBody = true): SandboxResponse | undefined {
    if (ctx.readOnly) return e(req, 405, 'JSON:API is configured to accept only read operations. Site administrators can configure this at /admin/config/services/jsonapi.');
    const type = (req.headers['content-type'] ?? '').toString().split(';')[0]?.trim();
    if (needsBody && type !== JSONAPI) return e(req, 415, `No route found that matches "Content-Type: ${type ?? ''}"`);
    return undefined;
  }
}

/** The kit only parses `application/json`; JSON:API documents arrive as `application/vnd.api+json`. */
function documentOf(req: SandboxRequest): Record<string, unknown> | undefined {
  if (Object.keys(req.body).length) return req.body;
  try {
    const v: unknown = JSON.parse(req.rawBody.toString('utf8') || '{}');
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function bump(ctx: DrupalCtx, n: DrupalNode): void {
  const t = Math.floor(ctx.now() / 1000);
  n.changed = t;
  n.revisionTimestamp = t;
  // Articles and pages are configured to create a new revision on every save.
  n.vid = ctx.nextVid++;
}

export function applyAttrs(n: DrupalNode, attrs: Record<string, unknown>): void {
  if (typeof attrs['title'] === 'string') n.title = attrs['title'];
  if (typeof attrs['status'] === 'boolean') n.status = attrs['status'];
  if (typeof attrs['promote'] === 'boolean') n.promote = attrs['promote'];
  if (typeof attrs['sticky'] === 'boolean') n.sticky = attrs['sticky'];
  if (typeof attrs['revision_log'] === 'string') n.revisionLog = attrs['revision_log'];
  const body = attrs['body'];
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    if (typeof b['value'] === 'string') n.body.value = b['value'];
    if (typeof b['format'] === 'string') n.body.format = b['format'];
    if (typeof b['summary'] === 'string') n.body.summary = b['summary'];
  }
  const path = attrs['path'];
  if (path && typeof path === 'object' && typeof (path as Record<string, unknown>)['alias'] === 'string') n.alias = (path as Record<string, string>)['alias'] ?? null;
}
