/**
 * The REST server front: finds the route from `/wp-json/<route>`, `/index.php/wp-json/<route>`
 * or `?rest_route=<route>`, applies `_method` / `X-HTTP-Method-Override`, authenticates before
 * routing, serves the API index and `POST /batch/v1` (≤25 sub-requests, 207 Multi-Status).
 */
import { header, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import {
  apiRootUrl,
  authenticate,
  invalidParams,
  noRoute,
  restUrl,
  wpError,
  type WpContext,
  type WpRequest,
} from './context.ts';
import { serveUpload } from './media.ts';
import { isBatchable, validateWrite } from './posts.ts';
import { validateTermWrite } from './terms.ts';
import { text } from '../../../sandbox/kit/text.ts';

interface Located {
  restPath: string;
  form: 'pretty' | 'plain';
}

function locate(req: SandboxRequest): Located | undefined {
  for (const prefix of ['/wp-json', '/index.php/wp-json']) {
    if (req.path === prefix || req.path.startsWith(`${prefix}/`))
      return { restPath: req.path.slice(prefix.length) || '/', form: 'pretty' };
  }
  const route = req.url.searchParams.get('rest_route');
  if ((req.path === '/' || req.path === '/index.php') && route !== null)
    return { restPath: route || '/', form: 'plain' };
  return undefined;
}

function listOf(url: URL, name: string): string[] | undefined {
  const values = [...url.searchParams.getAll(name), ...url.searchParams.getAll(`${name}[]`)];
  for (const [k, v] of url.searchParams) if (k.startsWith(`${name}[`) && k !== `${name}[]`) values.push(v);
  if (!values.length) return undefined;
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

export function makeWpRequest(
  base: SandboxRequest,
  loc: Located,
  auth: Pick<WpRequest, 'user' | 'appPassword'>,
): WpRequest {
  return { ...base, ...loc, ...auth, list: (name) => listOf(base.url, name) };
}

export function restFront(ctx: WpContext, api: Router): (req: SandboxRequest) => SandboxResponse {
  return (req) => {
    const loc = locate(req);
    if (!loc) return frontPage(ctx, req);
    const override = req.url.searchParams.get('_method') ?? header(req, 'x-http-method-override');
    const method = (override ?? req.method).toUpperCase();
    const auth = authenticate(ctx, req);
    if (!auth.ok) return auth.res;
    const wpReq = makeWpRequest({ ...req, method: method === 'HEAD' ? 'GET' : method }, loc, {
      user: auth.user,
      appPassword: auth.appPassword,
    });
    if (loc.restPath === '/' && wpReq.method === 'GET') return index(ctx, wpReq);
    if (loc.restPath === '/batch/v1') return wpReq.method === 'POST' ? batch(ctx, api, wpReq) : noRoute();
    const hit = api.match(wpReq.method, loc.restPath);
    if (!hit) return noRoute();
    const res = hit.handler({ ...wpReq, params: hit.params });
    return res as SandboxResponse;
  };
}

/** Non-API pages: the API root is advertised in a Link header on every page. */
function frontPage(ctx: WpContext, req: SandboxRequest): SandboxResponse {
  const file = serveUpload(ctx, req);
  if (file) return file;
  const link = `<${apiRootUrl(ctx)}>; rel="https://api.w.org/"`;
  if (req.path === '/' || req.path === '/index.php') {
    return {
      status: 200,
      headers: { 'content-type': 'text/html; charset=UTF-8', Link: link },
      body: `<!doctype html><title>${ctx.config.siteName}</title><h1>${ctx.config.siteName}</h1>`,
    };
  }
  return {
    status: 404,
    headers: { 'content-type': 'text/html; charset=UTF-8', Link: link },
    body: '<!doctype html><title>Page not found</title><h1>Nothing here</h1>',
  };
}

function index(ctx: WpContext, req: WpRequest): SandboxResponse {
  const routes: Record<string, unknown> = {};
  for (const [route, methods] of [
    ['/wp/v2/posts', ['GET', 'POST']],
    ['/wp/v2/posts/(?P<id>[\\d]+)', ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']],
    ['/wp/v2/pages', ['GET', 'POST']],
    ['/wp/v2/pages/(?P<id>[\\d]+)', ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']],
    ['/wp/v2/categories', ['GET', 'POST']],
    ['/wp/v2/categories/(?P<id>[\\d]+)', ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']],
    ['/wp/v2/tags', ['GET', 'POST']],
    ['/wp/v2/tags/(?P<id>[\\d]+)', ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']],
    ['/wp/v2/media', ['GET', 'POST']],
    ['/wp/v2/media/(?P<id>[\\d]+)', ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']],
    ['/wp/v2/users/me', ['GET']],
    ['/batch/v1', ['POST']],
  ] as const) {
    routes[route] = {
      namespace: route.startsWith('/batch') ? '' : 'wp/v2',
      methods,
      endpoints: methods.map((m) => ({ methods: [m], args: {} })),
    };
  }
  return {
    status: 200,
    body: {
      name: ctx.config.siteName,
      description: 'Just another WordPress site',
      url: ctx.baseUrl,
      home: ctx.baseUrl,
      gmt_offset: 0,
      timezone_string: 'UTC',
      namespaces: ['oembed/1.0', 'wp/v2', 'wp-site-health/v1', 'wp-block-editor/v1'],
      authentication: ctx.config.appPasswordsAvailable
        ? {
            'application-passwords': {
              endpoints: { authorization: `${ctx.baseUrl}/wp-admin/authorize-application.php` },
            },
          }
        : [],
      routes,
      _links: {
        help: [{ href: 'https://developer.wordpress.org/rest-api/' }],
        self: [{ href: restUrl(ctx, req.form, '/') }],
      },
    },
  };
}

const BATCH_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

function batch(ctx: WpContext, api: Router, req: WpRequest): SandboxResponse {
  const requests = req.body['requests'];
  if (requests === undefined)
    return wpError(400, 'rest_missing_callback_param', 'Missing parameter(s): requests', { params: ['requests'] });
  if (!Array.isArray(requests))
    return invalidParams({ requests: { code: 'rest_invalid_type', message: 'requests is not of type array.' } });
  if (requests.length > ctx.config.maxBatch) {
    return invalidParams({
      requests: { code: 'rest_too_many_items', message: `requests must contain at most ${ctx.config.maxBatch} items.` },
    });
  }
  const mode = req.body['validation'] ?? 'normal';
  if (mode !== 'normal' && mode !== 'require-all-validate') {
    return invalidParams({
      validation: { code: 'rest_not_in_enum', message: 'validation is not one of require-all-validate and normal.' },
    });
  }
  const errors: Record<string, { code: string; message: string }> = {};
  const prepared = requests.map((raw: unknown, i) => {
    const item = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    const method = typeof item['method'] === 'string' ? item['method'].toUpperCase() : 'POST';
    if (!BATCH_METHODS.includes(method))
      errors[`requests[${i}][method]`] = {
        code: 'rest_not_in_enum',
        message: `requests[${i}][method] is not one of POST, PUT, PATCH, and DELETE.`,
      };
    if (typeof item['path'] !== 'string')
      errors[`requests[${i}][path]`] = {
        code: 'rest_invalid_type',
        message: `requests[${i}][path] is not of type string.`,
      };
    const url = new URL(text(item['path'], '/'), 'http://batch.invalid');
    const body = item['body'] && typeof item['body'] === 'object' ? (item['body'] as Record<string, unknown>) : {};
    return { method, url, body };
  });
  if (Object.keys(errors).length) return invalidParams(errors);

  const sub = (p: (typeof prepared)[number]): WpRequest => {
    const query: Record<string, string> = {};
    for (const [k, v] of p.url.searchParams) query[k] = v;
    return makeWpRequest(
      {
        ...req,
        method: p.method,
        path: p.url.pathname,
        url: p.url,
        query,
        body: p.body,
        rawBody: Buffer.from(JSON.stringify(p.body)),
        params: {},
      },
      { restPath: p.url.pathname, form: req.form },
      { user: req.user, appPassword: req.appPassword },
    );
  };
  const allowed = (p: (typeof prepared)[number]): SandboxResponse | undefined => {
    if (!api.match(p.method, p.url.pathname)) return noRoute();
    if (!isBatchable(p.url.pathname))
      return wpError(400, 'rest_batch_not_allowed', 'The requested route does not support batch requests.');
    return undefined;
  };
  const envelope = (r: SandboxResponse) => ({ body: r.body, status: r.status, headers: r.headers ?? {} });

  if (mode === 'require-all-validate') {
    const schema = (p: (typeof prepared)[number]) => {
      if (p.method === 'DELETE') return undefined;
      const term = /^\/wp\/v2\/(categories|tags)(\/\d+)?$/.exec(p.url.pathname);
      return term ? validateTermWrite(!term[2], p.body) : validateWrite(ctx, p.body);
    };
    const checks = prepared.map((p) => allowed(p) ?? schema(p));
    if (checks.some((c) => c !== undefined)) {
      return { status: 207, body: { failed: 'validation', responses: checks.map((c) => (c ? envelope(c) : null)) } };
    }
  }
  const responses = prepared.map((p) => {
    const refused = allowed(p);
    if (refused) return envelope(refused);
    const hit = api.match(p.method, p.url.pathname);
    if (!hit) return envelope(noRoute());
    return envelope(hit.handler({ ...sub(p), params: hit.params }) as SandboxResponse);
  });
  return { status: 207, body: { responses } };
}
