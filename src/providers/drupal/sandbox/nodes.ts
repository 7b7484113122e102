/**
 * `node--article` and `node--page` as core JSON:API serves them: collections with `filter`
 * (groups included), `sort`, paging and `include`, individual reads, and writes with their
 * checks: 201 + Location (a client-supplied UUID allowed, a taken one 409), PATCH with the id
 * in the payload, `EntityChanged` refusing a stale `changed` (422 at `/data`), unique path
 * aliases, relationships to tags, images and authors that must exist, DELETE 204.
 */
import type { Router, SandboxRequest, SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { Caller } from './auth.ts';
import { doc, documentOf, jsonapiError, paginate, rfc3339, violations, writable } from './document.ts';
import { FILE_TYPE, fileResource } from './files.ts';
import { query, type FieldTable } from './filters.ts';
import { applyAttrs, bump, uuidOf, type DrupalCtx, type DrupalNode, type ImageRef } from './site.ts';
import { TERM_TYPE, termResource } from './terms.ts';
import { text } from '../../../sandbox/kit/text.ts';

const MISSING = {
  type: 'unknown',
  id: 'missing',
  meta: {
    links: {
      help: {
        href: 'https://www.drupal.org/docs/8/modules/json-api/core-concepts#missing',
        meta: { about: "Usage and meaning of the 'missing' resource identifier." },
      },
    },
  },
};
/** Relationship fields per bundle (standard profile): pages have neither tags nor an image. */
const RELATIONSHIPS: Record<DrupalNode['bundle'], readonly string[]> = {
  article: ['node_type', 'revision_uid', 'uid', 'field_image', 'field_tags'],
  page: ['node_type', 'revision_uid', 'uid'],
};

function attributes(n: DrupalNode): Record<string, unknown> {
  return {
    drupal_internal__nid: n.nid,
    drupal_internal__vid: n.vid,
    langcode: 'en',
    revision_timestamp: rfc3339(n.revisionTimestamp),
    revision_log: n.revisionLog,
    status: n.status,
    title: n.title,
    created: rfc3339(n.created),
    changed: rfc3339(n.changed),
    promote: n.promote,
    sticky: n.sticky,
    default_langcode: true,
    revision_translation_affected: true,
    path: { alias: n.alias, pid: n.alias ? n.nid : null, langcode: 'en' },
    body:
      n.body.value || n.body.summary
        ? { value: n.body.value, format: n.body.format, processed: n.body.value, summary: n.body.summary }
        : null,
  };
}

export function nodeResource(ctx: DrupalCtx, n: DrupalNode, sparse?: string[]): Record<string, unknown> {
  const self = `${ctx.baseUrl}/jsonapi/node/${n.bundle}/${n.uuid}`;
  let attrs = attributes(n);
  if (sparse) attrs = Object.fromEntries(Object.entries(attrs).filter(([k]) => sparse.includes(k)));
  const author = ctx.auth.user(n.uid);
  const links = (name: string) => ({
    related: { href: `${self}/${name}?resourceVersion=id%3A${n.vid}` },
    self: { href: `${self}/relationships/${name}?resourceVersion=id%3A${n.vid}` },
  });
  const one = (name: string, type: string, id: string, meta: Record<string, unknown> = {}) => ({
    data: { type, id, meta },
    links: links(name),
  });
  const relationships: Record<string, unknown> = {
    node_type: one('node_type', 'node_type--node_type', uuidOf('type', n.bundle), {
      drupal_internal__target_id: n.bundle,
    }),
    revision_uid: one('revision_uid', 'user--user', author?.uuid ?? uuidOf('user', n.uid), {
      drupal_internal__target_id: n.uid,
    }),
    uid: one('uid', 'user--user', author?.uuid ?? uuidOf('user', n.uid), { drupal_internal__target_id: n.uid }),
  };
  if (n.bundle === 'article') {
    const f = n.image ? ctx.files.get(n.image.file) : undefined;
    relationships['field_image'] = {
      data: !n.image
        ? null
        : f
          ? {
              type: FILE_TYPE,
              id: f.uuid,
              meta: {
                alt: n.image.alt,
                title: n.image.title,
                width: f.width,
                height: f.height,
                drupal_internal__target_id: f.fid,
              },
            }
          : MISSING,
      links: links('field_image'),
    };
    relationships['field_tags'] = {
      data: n.tags.map((u) => {
        const t = ctx.terms.get(u);
        return t ? { type: TERM_TYPE, id: t.uuid, meta: { drupal_internal__target_id: t.tid } } : MISSING;
      }),
      links: links('field_tags'),
    };
  }
  const out: Record<string, unknown> = {
    type: `node--${n.bundle}`,
    id: n.uuid,
    links: { self: { href: `${self}?resourceVersion=id%3A${n.vid}` } },
    attributes: attrs,
  };
  out['relationships'] = sparse
    ? Object.fromEntries(Object.entries(relationships).filter(([k]) => sparse.includes(k)))
    : relationships;
  return out;
}

function nodeFields(ctx: DrupalCtx): FieldTable<DrupalNode> {
  return {
    changed: (n) => n.changed,
    created: (n) => n.created,
    status: (n) => n.status,
    title: (n) => n.title,
    drupal_internal__nid: (n) => n.nid,
    nid: (n) => n.nid,
    drupal_internal__vid: (n) => n.vid,
    vid: (n) => n.vid,
    promote: (n) => n.promote,
    id: (n) => n.uuid,
    uuid: (n) => n.uuid,
    'body.value': (n) => n.body.value,
    'uid.meta.drupal_internal__target_id': (n) => n.uid,
    'uid.id': (n) => ctx.auth.user(n.uid)?.uuid,
  };
}

/** `include=field_tags,field_image,uid`: the related resources, each once. */
function included(
  ctx: DrupalCtx,
  req: SandboxRequest,
  nodes: readonly DrupalNode[],
): { included?: unknown[] } | SandboxResponse {
  const paths = (req.query['include'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (!paths.length) return {};
  const out = new Map<string, unknown>();
  for (const p of paths) {
    const allowed = nodes.length === 0 || nodes.some((n) => RELATIONSHIPS[n.bundle].includes(p));
    if (!allowed)
      return jsonapiError(
        req,
        ctx.baseUrl,
        400,
        `\`${p}\` is not a valid relationship field name. Possible values: ${RELATIONSHIPS[nodes[0]?.bundle ?? 'article'].join(', ')}.`,
      );
  }
  for (const n of nodes) {
    if (paths.includes('field_tags'))
      for (const u of n.tags) {
        const t = ctx.terms.get(u);
        if (t) out.set(`${TERM_TYPE}:${u}`, termResource(ctx, t));
      }
    if (paths.includes('field_image') && n.image) {
      const f = ctx.files.get(n.image.file);
      if (f) out.set(`${FILE_TYPE}:${f.uuid}`, fileResource(ctx, f));
    }
    if (paths.includes('uid')) {
      const u = ctx.auth.user(n.uid);
      if (u)
        out.set(`user:${u.uuid}`, {
          type: 'user--user',
          id: u.uuid,
          attributes: { display_name: u.name, drupal_internal__uid: u.uid, name: u.name },
        });
    }
  }
  return { included: [...out.values()] };
}

type Pending = { tags?: string[]; image?: ImageRef | null; uid?: number };

/** Relationship objects of a write, checked: every referenced entity must exist, images need alt text. */
function relationshipsOf(
  ctx: DrupalCtx,
  req: SandboxRequest,
  bundle: DrupalNode['bundle'],
  rels: Record<string, unknown>,
): Pending | SandboxResponse {
  const out: Pending = {};
  for (const [name, value] of Object.entries(rels)) {
    if (!RELATIONSHIPS[bundle].includes(name))
      return violations([
        {
          pointer: `/data/relationships/${name}`,
          detail: `The attribute ${name} does not exist on the node--${bundle} resource type.`,
        },
      ]);
    const data = (value as { data?: unknown } | null)?.data;
    const notFound = (type: string, id: string) =>
      jsonapiError(
        req,
        ctx.baseUrl,
        404,
        `The resource identified by \`${type}:${id}\` (given as a relationship item) could not be found.`,
      );
    if (name === 'field_tags') {
      if (!Array.isArray(data))
        return jsonapiError(req, ctx.baseUrl, 400, 'to-many relationships require an array of resource identifiers.');
      const ids: string[] = [];
      for (const d of data as { type?: string; id?: string }[]) {
        if (d.type !== TERM_TYPE || !ctx.terms.has(d.id ?? '')) return notFound(String(d.type), String(d.id));
        ids.push(d.id!);
      }
      out.tags = ids;
    } else if (name === 'field_image') {
      if (data === null) {
        out.image = null;
        continue;
      }
      const d = data as { type?: string; id?: string; meta?: { alt?: unknown; title?: unknown } };
      if (d.type !== FILE_TYPE || !ctx.files.has(d.id ?? '')) return notFound(String(d.type), String(d.id));
      const alt = typeof d.meta?.alt === 'string' ? d.meta.alt : '';
      if (!alt)
        return violations([
          {
            pointer: '/data/relationships/field_image/data/meta/alt',
            detail: 'field_image.0.alt: Alternative text field is required.',
          },
        ]);
      out.image = { file: d.id!, alt, title: typeof d.meta?.title === 'string' ? d.meta.title : '' };
    } else if (name === 'uid') {
      const d = data as { type?: string; id?: string } | null;
      const u = ctx.auth.config.users.find((x) => x.uuid === d?.id);
      if (!u || d?.type !== 'user--user') return notFound(String(d?.type), String(d?.id));
      out.uid = u.uid;
    } else
      return jsonapiError(
        req,
        ctx.baseUrl,
        403,
        `The current user is not allowed to PATCH the selected field (${name}).`,
        { source: { pointer: `/data/relationships/${name}` } },
      );
  }
  return out;
}

/** Field validation a save runs (title required, aliases start with `/` and are unique). */
function validate(ctx: DrupalCtx, n: DrupalNode): SandboxResponse | undefined {
  const list: { pointer: string; detail: string }[] = [];
  if (!n.title) list.push({ pointer: '/data/attributes/title', detail: 'title: This value should not be null.' });
  if (n.alias !== null) {
    if (!n.alias.startsWith('/'))
      list.push({
        pointer: '/data/attributes/path',
        detail: 'path.0.alias: The alias path has to start with a slash.',
      });
    else if ([...ctx.nodes.values()].some((o) => o.uuid !== n.uuid && o.alias === n.alias))
      list.push({
        pointer: '/data/attributes/path',
        detail: `path.0.alias: The alias ${n.alias} is already in use in this language.`,
      });
  }
  return list.length ? violations(list) : undefined;
}

function commit(ctx: DrupalCtx, n: DrupalNode, rel: Pending): void {
  if (rel.tags !== undefined) n.tags = rel.tags;
  if (rel.image !== undefined) n.image = rel.image;
  if (rel.uid !== undefined) n.uid = rel.uid;
  // A referenced file becomes permanent (file usage).
  if (n.image) {
    const f = ctx.files.get(n.image.file);
    if (f) f.status = true;
  }
}

export function nodeRoutes(r: Router, ctx: DrupalCtx, who: (req: SandboxRequest) => Caller): void {
  const err = (req: SandboxRequest, status: number, detail: string, extra: Record<string, unknown> = {}) =>
    jsonapiError(req, ctx.baseUrl, status, detail, extra);
  /** Denials: no credentials at all get basic_auth's 401 challenge; anyone else a 403. */
  const denied = (req: SandboxRequest, c: Caller, detail: string) =>
    c.kind === 'anonymous' && !c.credentialsSent
      ? jsonapiError(
          req,
          ctx.baseUrl,
          401,
          'No authentication credentials provided.',
          {},
          { 'www-authenticate': `Basic realm="${ctx.auth.config.siteName}"` },
        )
      : err(req, 403, detail, { source: { pointer: '/data' } });

  const fields = nodeFields(ctx);
  for (const bundle of ['article', 'page'] as const) {
    const base = `/jsonapi/node/${bundle}`;
    const notFound = (req: SandboxRequest, op = '') =>
      err(
        req,
        404,
        `The "node" parameter was not converted for the path "${base}/{entity}" (route name: "jsonapi.node--${bundle}.individual${op}")`,
      );

    r.add('GET', base, (req) => {
      const c = who(req);
      const canSeeAll = c.kind === 'user';
      const ofBundle = [...ctx.nodes.values()].filter((n) => n.bundle === bundle);
      const rows = query(req, ofBundle, fields, (a, b) => a.nid - b.nid);
      const hidden = rows.filter((n) => !n.status && !canSeeAll).length;
      // Paging is applied to the query before access filtering, so a page can come back short.
      const { page, links } = paginate(ctx, req, rows);
      const visible = page.filter((n) => n.status || canSeeAll);
      const inc = included(ctx, req, visible);
      if ('status' in inc) return inc;
      const sparse = req.url.searchParams.get(`fields[node--${bundle}]`)?.split(',');
      const omitted = page.length - visible.length;
      const meta =
        omitted > 0 && hidden > 0
          ? {
              meta: {
                omitted: {
                  detail: 'Some resources have been omitted because of insufficient authorization.',
                  links: {
                    help: { href: 'https://www.drupal.org/docs/8/modules/json-api/filtering#filters-access-control' },
                  },
                },
              },
            }
          : {};
      return doc(200, { data: visible.map((n) => nodeResource(ctx, n, sparse)), ...inc, ...meta, links });
    });

    r.add('POST', base, (req) => {
      const c = who(req);
      const bad = writable(ctx, req);
      if (bad) return bad;
      if (c.kind !== 'user') return denied(req, c, 'The current user is not allowed to POST the selected resource.');
      const parsed = documentOf(req);
      if (!parsed) return err(req, 400, 'Syntax error');
      const data = parsed['data'] as Record<string, unknown> | undefined;
      if (!data || typeof data !== 'object') return err(req, 400, 'Missing `data`.');
      if (data['type'] !== `node--${bundle}`)
        return err(
          req,
          409,
          `Conflict: The type "${String(data['type'])}" does not match the route's type "node--${bundle}".`,
        );
      const uuid = typeof data['id'] === 'string' ? data['id'] : uuidOf('created', ctx.nextNid, ctx.now());
      if (ctx.nodes.has(uuid)) return err(req, 409, 'Conflict: Entity already exists.');
      const rel = relationshipsOf(ctx, req, bundle, (data['relationships'] ?? {}) as Record<string, unknown>);
      if ('status' in rel) return rel;
      const t = Math.floor(ctx.now() / 1000);
      const n: DrupalNode = {
        uuid,
        nid: ctx.nextNid,
        vid: ctx.nextVid,
        bundle,
        title: '',
        status: true,
        created: t,
        changed: t,
        revisionTimestamp: t,
        revisionLog: null,
        promote: bundle === 'article',
        sticky: false,
        body: { value: '', format: null, summary: '' },
        uid: c.user.uid,
        alias: null,
        tags: [],
        image: null,
      };
      applyAttrs(n, (data['attributes'] ?? {}) as Record<string, unknown>);
      const invalid = validate(ctx, n);
      if (invalid) return invalid;
      ctx.nextNid++;
      ctx.nextVid++;
      commit(ctx, n, rel);
      ctx.nodes.set(uuid, n);
      const self = `${ctx.baseUrl}${base}/${uuid}`;
      return doc(201, { data: nodeResource(ctx, n), links: { self: { href: self } } }, { Location: self });
    });

    r.add('GET', `${base}/:uuid`, (req) => {
      const c = who(req);
      const n = ctx.nodes.get(req.params['uuid'] ?? '');
      if (!n || n.bundle !== bundle) return notFound(req);
      if (!n.status && c.kind !== 'user')
        return denied(req, c, 'The current user is not allowed to GET the selected resource.');
      const inc = included(ctx, req, [n]);
      if ('status' in inc) return inc;
      const sparse = req.url.searchParams.get(`fields[node--${bundle}]`)?.split(',');
      return doc(200, {
        data: nodeResource(ctx, n, sparse),
        ...inc,
        links: { self: { href: `${ctx.baseUrl}${base}/${n.uuid}` } },
      });
    });

    r.add('PATCH', `${base}/:uuid`, (req) => {
      const c = who(req);
      const bad = writable(ctx, req);
      if (bad) return bad;
      const n = ctx.nodes.get(req.params['uuid'] ?? '');
      if (!n || n.bundle !== bundle) return notFound(req, '.update');
      if (c.kind !== 'user') return denied(req, c, 'The current user is not allowed to PATCH the selected resource.');
      const parsed = documentOf(req);
      if (!parsed) return err(req, 400, 'Syntax error');
      const data = (parsed['data'] ?? {}) as Record<string, unknown>;
      if (data['id'] !== n.uuid)
        return err(
          req,
          400,
          `The selected entity (${n.uuid}) does not match the ID in the payload (${String(data['id'])}).`,
        );
      const attrs = (data['attributes'] ?? {}) as Record<string, unknown>;
      const rel = relationshipsOf(ctx, req, bundle, (data['relationships'] ?? {}) as Record<string, unknown>);
      if ('status' in rel) return rel;
      const next: DrupalNode = { ...n, body: { ...n.body }, tags: [...n.tags] };
      applyAttrs(next, attrs);
      const invalid = validate(ctx, next);
      // EntityChanged constraint: a `changed` older than the stored one means someone else saved since.
      if (attrs['changed'] !== undefined) {
        const sent =
          typeof attrs['changed'] === 'number'
            ? attrs['changed']
            : Math.floor(Date.parse(text(attrs['changed'])) / 1000);
        if (!(sent >= n.changed))
          return err(
            req,
            422,
            'Entity is not valid: The content has either been modified by another user, or you have already submitted modifications. As a result, your changes cannot be saved.',
            { source: { pointer: '/data' } },
          );
      }
      if (invalid) return invalid;
      Object.assign(n, next);
      commit(ctx, n, rel);
      bump(ctx, n);
      return doc(200, { data: nodeResource(ctx, n), links: { self: { href: `${ctx.baseUrl}${base}/${n.uuid}` } } });
    });

    r.add('DELETE', `${base}/:uuid`, (req) => {
      const c = who(req);
      const bad = writable(ctx, req, false);
      if (bad) return bad;
      const n = ctx.nodes.get(req.params['uuid'] ?? '');
      if (!n || n.bundle !== bundle) return notFound(req, '.delete');
      if (c.kind !== 'user') return denied(req, c, 'The current user is not allowed to DELETE the selected resource.');
      ctx.nodes.delete(n.uuid);
      return { status: 204 };
    });
  }
}
