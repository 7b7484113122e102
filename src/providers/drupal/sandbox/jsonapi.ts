/**
 * Core JSON:API under `/jsonapi`: the entry point (with `meta.links.me` for an authenticated
 * caller and a link per resource type), users, and the node, taxonomy term and file routes
 * from their own modules.
 */
import type { Router, SandboxRequest } from '../../../sandbox/kit/server.ts';
import type { Caller, DrupalUser } from './auth.ts';
import { doc, jsonapiError } from './document.ts';
import { fileRoutes } from './files.ts';
import { nodeRoutes } from './nodes.ts';
import type { DrupalCtx } from './site.ts';
import { termRoutes } from './terms.ts';

function userResource(ctx: DrupalCtx, u: DrupalUser, full: boolean): Record<string, unknown> {
  return {
    type: 'user--user',
    id: u.uuid,
    links: { self: { href: `${ctx.baseUrl}/jsonapi/user/user/${u.uuid}` } },
    attributes: {
      display_name: u.name,
      drupal_internal__uid: u.uid,
      langcode: 'en',
      ...(full ? { name: u.name, mail: `${u.name}@example.test`, status: true, roles: u.roles } : { name: u.name }),
    },
  };
}

export function jsonapiRoutes(r: Router, ctx: DrupalCtx, who: (req: SandboxRequest) => Caller): void {
  const isAdmin = (c: Caller) => c.kind === 'user' && c.user.roles.includes('administrator');

  r.add('GET', '/jsonapi', (req) => {
    const c = who(req);
    const links: Record<string, unknown> = { self: { href: `${ctx.baseUrl}/jsonapi` } };
    for (const bundle of ['article', 'page'])
      links[`node--${bundle}`] = { href: `${ctx.baseUrl}/jsonapi/node/${bundle}` };
    links['taxonomy_term--tags'] = { href: `${ctx.baseUrl}/jsonapi/taxonomy_term/tags` };
    links['file--file'] = { href: `${ctx.baseUrl}/jsonapi/file/file` };
    links['user--user'] = { href: `${ctx.baseUrl}/jsonapi/user/user` };
    const meta =
      c.kind === 'user'
        ? {
            meta: {
              links: { me: { meta: { id: c.user.uuid }, href: `${ctx.baseUrl}/jsonapi/user/user/${c.user.uuid}` } },
            },
          }
        : {};
    return doc(200, { data: [], ...meta, links });
  });

  r.add('GET', '/jsonapi/user/user/:uuid', (req) => {
    const c = who(req);
    const u = ctx.auth.config.users.find((x) => x.uuid === req.params['uuid']);
    if (!u)
      return jsonapiError(
        req,
        ctx.baseUrl,
        404,
        `The "user" parameter was not converted for the path "/jsonapi/user/user/{entity}" (route name: "jsonapi.user--user.individual")`,
      );
    const full = c.kind === 'user' && (c.user.uid === u.uid || isAdmin(c));
    return doc(200, {
      data: userResource(ctx, u, full),
      links: { self: { href: `${ctx.baseUrl}/jsonapi/user/user/${u.uuid}` } },
    });
  });

  // The upload route is more specific than `node/article/{uuid}`, so it goes first.
  fileRoutes(r, ctx, who);
  nodeRoutes(r, ctx, who);
  termRoutes(r, ctx, who);
}
