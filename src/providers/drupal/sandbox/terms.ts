/**
 * The `tags` vocabulary as JSON:API serves `taxonomy_term--tags`: the collection with filters
 * (name matching ignores case, as entity queries do), sort and paging, create (201 + Location;
 * Drupal allows two terms with one name), individual read and delete.
 */
import type { Router, SandboxRequest, SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { Caller } from './auth.ts';
import { doc, documentOf, jsonapiError, paginate, rfc3339, violations, writable } from './document.ts';
import { query, type FieldTable } from './filters.ts';
import { uuidOf, type DrupalCtx, type DrupalTerm } from './site.ts';

export const TERM_TYPE = 'taxonomy_term--tags';

export function termResource(ctx: DrupalCtx, t: DrupalTerm): Record<string, unknown> {
  const self = `${ctx.baseUrl}/jsonapi/taxonomy_term/tags/${t.uuid}`;
  return {
    type: TERM_TYPE,
    id: t.uuid,
    links: { self: { href: `${self}?resourceVersion=id%3A${t.tid}` } },
    attributes: {
      drupal_internal__tid: t.tid,
      drupal_internal__revision_id: t.tid,
      langcode: 'en',
      revision_created: rfc3339(t.changed),
      revision_log_message: null,
      status: t.status,
      name: t.name,
      description: t.description ? { value: t.description, format: 'basic_html', processed: t.description } : null,
      weight: t.weight,
      changed: rfc3339(t.changed),
      default_langcode: true,
      revision_translation_affected: true,
      path: { alias: null, pid: null, langcode: 'en' },
    },
    relationships: {
      vid: {
        data: {
          type: 'taxonomy_vocabulary--taxonomy_vocabulary',
          id: uuidOf('vocabulary', 'tags'),
          meta: { drupal_internal__target_id: 'tags' },
        },
        links: { related: { href: `${self}/vid` }, self: { href: `${self}/relationships/vid` } },
      },
      parent: {
        data: [
          {
            type: TERM_TYPE,
            id: 'virtual',
            meta: {
              links: {
                help: {
                  href: 'https://www.drupal.org/docs/8/modules/json-api/core-concepts#virtual',
                  meta: { about: "Usage and meaning of the 'virtual' resource identifier." },
                },
              },
            },
          },
        ],
        links: { related: { href: `${self}/parent` }, self: { href: `${self}/relationships/parent` } },
      },
    },
  };
}

const TERM_FIELDS: FieldTable<DrupalTerm> = {
  name: (t) => t.name,
  drupal_internal__tid: (t) => t.tid,
  tid: (t) => t.tid,
  id: (t) => t.uuid,
  uuid: (t) => t.uuid,
  status: (t) => t.status,
  weight: (t) => t.weight,
  changed: (t) => t.changed,
};

export function termRoutes(r: Router, ctx: DrupalCtx, who: (req: SandboxRequest) => Caller): void {
  const base = '/jsonapi/taxonomy_term/tags';
  const notFound = (req: SandboxRequest) =>
    jsonapiError(
      req,
      ctx.baseUrl,
      404,
      `The "taxonomy_term" parameter was not converted for the path "${base}/{entity}" (route name: "jsonapi.${TERM_TYPE}.individual")`,
    );

  r.add('GET', base, (req) => {
    const rows = query(req, [...ctx.terms.values()], TERM_FIELDS, (a, b) => a.tid - b.tid);
    const { page, links } = paginate(ctx, req, rows);
    return doc(200, { data: page.map((t) => termResource(ctx, t)), links });
  });

  r.add('GET', `${base}/:uuid`, (req) => {
    const t = ctx.terms.get(req.params['uuid'] ?? '');
    return t
      ? doc(200, { data: termResource(ctx, t), links: { self: { href: `${ctx.baseUrl}${base}/${t.uuid}` } } })
      : notFound(req);
  });

  r.add('POST', base, (req): SandboxResponse => {
    const bad = writable(ctx, req);
    if (bad) return bad;
    if (who(req).kind !== 'user')
      return jsonapiError(req, ctx.baseUrl, 403, 'The current user is not allowed to POST the selected resource.', {
        source: { pointer: '/data' },
      });
    const data = documentOf(req)?.['data'] as Record<string, unknown> | undefined;
    if (!data || typeof data !== 'object') return jsonapiError(req, ctx.baseUrl, 400, 'Missing `data`.');
    if (data['type'] !== TERM_TYPE)
      return jsonapiError(
        req,
        ctx.baseUrl,
        409,
        `Conflict: The type "${String(data['type'])}" does not match the route's type "${TERM_TYPE}".`,
      );
    const attrs = (data['attributes'] ?? {}) as Record<string, unknown>;
    if (typeof attrs['name'] !== 'string' || !attrs['name'].trim())
      return violations([{ pointer: '/data/attributes/name', detail: 'name: This value should not be null.' }]);
    const uuid = typeof data['id'] === 'string' ? data['id'] : uuidOf('term', ctx.nextTid, ctx.now());
    if (ctx.terms.has(uuid)) return jsonapiError(req, ctx.baseUrl, 409, 'Conflict: Entity already exists.');
    const desc = attrs['description'];
    const t: DrupalTerm = {
      uuid,
      tid: ctx.nextTid++,
      name: attrs['name'],
      description:
        desc && typeof desc === 'object' && typeof (desc as Record<string, unknown>)['value'] === 'string'
          ? String((desc as Record<string, unknown>)['value'])
          : '',
      weight: typeof attrs['weight'] === 'number' ? attrs['weight'] : 0,
      changed: Math.floor(ctx.now() / 1000),
      status: attrs['status'] !== false,
    };
    ctx.terms.set(uuid, t);
    const self = `${ctx.baseUrl}${base}/${uuid}`;
    return doc(201, { data: termResource(ctx, t), links: { self: { href: self } } }, { Location: self });
  });

  r.add('DELETE', `${base}/:uuid`, (req) => {
    const bad = writable(ctx, req, false);
    if (bad) return bad;
    const t = ctx.terms.get(req.params['uuid'] ?? '');
    if (!t) return notFound(req);
    if (who(req).kind !== 'user')
      return jsonapiError(req, ctx.baseUrl, 403, 'The current user is not allowed to DELETE the selected resource.', {
        source: { pointer: '/data' },
      });
    // Node fields keep the dangling reference; JSON:API then renders it as a `missing` identifier.
    ctx.terms.delete(t.uuid);
    return { status: 204 };
  });
}
