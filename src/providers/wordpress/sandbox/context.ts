/**
 * Request plumbing shared by the WordPress routes: the site context, WP_Error envelopes, the
 * two URL forms of the REST API (`/wp-json/…` and `?rest_route=…`) and Application Password
 * authentication, which WordPress runs before any route (so a bad password fails every REST
 * request, public ones included).
 */
import { header, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import { normalizeAppPassword, hashPassword, type AppPassword, type WpSite, type WpUser } from './site.ts';

export interface WpConfig {
  siteName: string;
  /** `wp_is_application_passwords_available()`: HTTPS or a `local` environment. */
  appPasswordsAvailable: boolean;
  /** EMPTY_TRASH_DAYS > 0. */
  trashEnabled: boolean;
  /** `rest_get_max_batch_size`. */
  maxBatch: number;
  /** Pretty permalinks on: `rest_url()` and the API Link header use `/wp-json/`. */
  prettyPermalinks: boolean;
}

export interface WpContext {
  config: WpConfig;
  site: WpSite;
  now(): number;
  baseUrl: string;
}

/** The request as a REST route sees it, after routing and authentication. */
export interface WpRequest extends SandboxRequest {
  restPath: string;
  /** How the client reached the API; generated links keep the same form. */
  form: 'pretty' | 'plain';
  user: WpUser | undefined;
  appPassword: AppPassword | undefined;
  /** Multi-valued query access (`status[]=a&status[]=b`, `status=a,b`). */
  list(name: string): string[] | undefined;
}

export function wpError(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): SandboxResponse {
  return { status, headers: {}, body: { code, message, data: { status, ...extra } } };
}

/** `rest_authorization_required_code()`: 401 for anonymous callers, 403 for logged-in ones. */
export function authCode(req: WpRequest): number {
  return req.user ? 403 : 401;
}

/** Administrators and editors: edit_posts, manage_categories and upload_files all hold. */
export function canEdit(req: WpRequest): boolean {
  return !!req.user && req.user.roles.some((r) => r === 'administrator' || r === 'editor');
}

export function intParam(v: string | undefined): number | undefined {
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

export type ParamErrors = Record<string, { code: string; message: string }>;

/** `context`, `page` and `per_page` as every collection controller declares them. */
export function collectionParams(
  req: WpRequest,
  errors: ParamErrors,
): { context: 'view' | 'edit' | 'embed'; page: number; perPage: number } {
  const c = req.query['context'] ?? 'view';
  if (c !== 'view' && c !== 'edit' && c !== 'embed')
    errors['context'] = { code: 'rest_not_in_enum', message: 'context is not one of view, embed, edit.' };
  const page = req.query['page'] === undefined ? 1 : intParam(req.query['page']);
  if (page === undefined) errors['page'] = { code: 'rest_invalid_type', message: 'page is not of type integer.' };
  else if (page < 1)
    errors['page'] = { code: 'rest_out_of_bounds', message: 'page must be greater than or equal to 1' };
  const perPage = req.query['per_page'] === undefined ? 10 : intParam(req.query['per_page']);
  if (perPage === undefined)
    errors['per_page'] = { code: 'rest_invalid_type', message: 'per_page is not of type integer.' };
  else if (perPage < 1 || perPage > 100)
    errors['per_page'] = {
      code: 'rest_out_of_bounds',
      message: 'per_page must be between 1 (inclusive) and 100 (inclusive)',
    };
  return { context: c === 'edit' || c === 'embed' ? c : 'view', page: page ?? 1, perPage: perPage ?? 10 };
}

/** X-WP-Total/X-WP-TotalPages and prev/next links carrying the request's other params. */
export function pagingHeaders(
  ctx: WpContext,
  req: WpRequest,
  route: string,
  total: number,
  page: number,
  perPage: number,
): Record<string, string> {
  const totalPages = Math.ceil(total / perPage);
  const headers: Record<string, string> = { 'X-WP-Total': String(total), 'X-WP-TotalPages': String(totalPages) };
  const carried: Record<string, string> = {};
  for (const [k, v] of req.url.searchParams) if (k !== 'rest_route' && k !== 'page') carried[k] = v;
  const links: string[] = [];
  if (page > 1) {
    const prev = Math.min(page - 1, Math.max(totalPages, 1));
    links.push(
      `<${restUrl(ctx, req.form, route, prev > 1 ? { ...carried, page: String(prev) } : carried)}>; rel="prev"`,
    );
  }
  if (page < totalPages)
    links.push(`<${restUrl(ctx, req.form, route, { ...carried, page: String(page + 1) })}>; rel="next"`);
  if (links.length) headers['Link'] = links.join(', ');
  return headers;
}

/** `orderby`/`order` as the collection queries apply them: by `key`, ties by id, all reversed for `desc`. */
export function ordered<T extends { id: number }>(rows: T[], key: (row: T) => number | string, order: string): T[] {
  const dir = order === 'desc' ? -1 : 1;
  return rows.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return (ka < kb ? -1 : ka > kb ? 1 : a.id - b.id) * dir;
  });
}

/**
 * One page of a collection with its paging headers, starting at `offset` when one was given.
 * WP_REST_Posts_Controller (attachments included) refuses a page past the last one
 * (`refusePastEnd`); the terms controller answers it with an empty list.
 */
export function collectionPage<T>(
  ctx: WpContext,
  req: WpRequest,
  route: string,
  rows: readonly T[],
  paging: { page: number; perPage: number; offset?: number | undefined; refusePastEnd: boolean },
  render: (row: T) => unknown,
): SandboxResponse {
  const { page, perPage } = paging;
  const total = rows.length;
  if (paging.refusePastEnd && page > Math.ceil(total / perPage) && total > 0)
    return wpError(
      400,
      'rest_post_invalid_page_number',
      'The page number requested is larger than the number of pages available.',
    );
  const start = paging.offset ?? (page - 1) * perPage;
  return {
    status: 200,
    headers: pagingHeaders(ctx, req, route, total, page, perPage),
    body: rows.slice(start, start + perPage).map(render),
  };
}

/** `sanitize_text_field` then `_wp_specialchars` (the `pre_term_name` filters): tags stripped, `&<>` encoded once. */
export function sanitizeTermName(raw: string): string {
  const text = raw
    .replace(/<[^>]*>/g, '')
    .replace(/[\r\n\t ]+/g, ' ')
    .trim();
  return text
    .replace(/&(?!(?:[a-zA-Z][a-zA-Z0-9]*|#\d+|#x[0-9a-fA-F]+);)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export function invalidParams(errors: Record<string, { code: string; message: string }>): SandboxResponse {
  const names = Object.keys(errors);
  return wpError(400, 'rest_invalid_param', `Invalid parameter(s): ${names.join(', ')}`, {
    params: Object.fromEntries(names.map((n) => [n, errors[n]?.message ?? ''])),
    details: Object.fromEntries(
      names.map((n) => [n, { code: errors[n]?.code ?? '', message: errors[n]?.message ?? '', data: null }]),
    ),
  });
}

export function noRoute(): SandboxResponse {
  return wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
}

/** Absolute REST URL for a route in the form the client used; extra params join the query. */
export function restUrl(
  ctx: WpContext,
  form: 'pretty' | 'plain',
  route: string,
  params: Record<string, string> = {},
): string {
  const q = new URLSearchParams(params).toString();
  if (form === 'plain') return `${ctx.baseUrl}/index.php?rest_route=${encodeURI(route)}${q ? `&${q}` : ''}`;
  return `${ctx.baseUrl}/wp-json${route}${q ? `?${q}` : ''}`;
}

export function apiRootUrl(ctx: WpContext): string {
  return ctx.config.prettyPermalinks ? `${ctx.baseUrl}/wp-json/` : `${ctx.baseUrl}/index.php?rest_route=/`;
}

export type AuthOutcome =
  { ok: true; user: WpUser | undefined; appPassword: AppPassword | undefined } | { ok: false; res: SandboxResponse };

/** `wp_authenticate_application_password` + `rest_application_password_check_errors`. */
export function authenticate(ctx: WpContext, req: SandboxRequest): AuthOutcome {
  const auth = header(req, 'authorization');
  const m = auth ? /^Basic\s+(.+)$/i.exec(auth.trim()) : null;
  // No Basic credentials, or application passwords unavailable: the request runs as anonymous.
  if (!m?.[1] || !ctx.config.appPasswordsAvailable) return { ok: true, user: undefined, appPassword: undefined };
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { ok: true, user: undefined, appPassword: undefined };
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  // Observed on a real WordPress 6.1 (Debian package): a failed application-password login is
  // dropped and the request runs as anonymous, so public routes answer 200 and only routes that
  // need a login say 401 (`rest_not_logged_in`, `rest_cannot_create`). The failure status is
  // collected only after the REST server has checked for authentication errors.
  const user = ctx.site.userByLoginOrEmail(username);
  if (!user) return { ok: true, user: undefined, appPassword: undefined };
  const hash = hashPassword(normalizeAppPassword(password));
  const item = user.appPasswords.find((p) => p.hash === hash);
  if (!item) return { ok: true, user: undefined, appPassword: undefined };
  item.lastUsed = ctx.now();
  item.lastIp = '127.0.0.1';
  return { ok: true, user, appPassword: item };
}

export function wpDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** `rest_parse_date`: RFC3339 with optional offset; no offset means site time (UTC here). */
export function parseWpDate(value: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(value);
  if (!m) return undefined;
  let zone = m[4] ?? 'Z';
  if (/^[+-]\d{2}$/.test(zone)) zone += ':00';
  else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const t = Date.parse(`${m[1]}T${m[2]}${zone}`);
  return Number.isNaN(t) ? undefined : Math.floor(t / 1000) * 1000;
}
