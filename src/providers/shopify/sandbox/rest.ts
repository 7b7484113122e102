/**
 * Admin REST resources (`/admin/api/{version}/…json`, routed without the prefix and `.json`):
 * shop, blogs, articles, pages, products, with cursor pagination in the `Link` header
 * (`page_info`, `limit` ≤ 250), the list filters, `fields`, counts, PUT-as-partial-update and
 * hard deletes. Also the leaky bucket behind `X-Shopify-Shop-Api-Call-Limit`.
 */
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import { authenticate, hasScope, restErrors, scopeError, shopDomain, shopTime, type ShopifyContext } from './context.ts';
import { articleImage } from './files.ts';
import { handleize, type Kind, type Resource } from './store.ts';

/** REST leaky bucket per app and shop: each call adds one, `leakPerSecond` drain continuously. */
export class LeakyBucket {
  #level = 0;
  #at: number;
  constructor(private readonly now: () => number, private size: number, private leak: number) {
    this.#at = now();
  }
  /** Bucket size and leak rate now (a plan change, or a bench setting the limit it measures against). */
  get limits(): { size: number; leakPerSecond: number } {
    return { size: this.size, leakPerSecond: this.leak };
  }
  configure(size: number, leakPerSecond: number): void {
    this.#drain();
    this.size = size;
    this.leak = leakPerSecond;
  }
  #drain(): void {
    const t = this.now();
    this.#level = Math.max(0, this.#level - ((t - this.#at) / 1000) * this.leak);
    this.#at = t;
  }
  /** Takes one call; returns seconds to wait when the bucket is full. */
  take(): { ok: true } | { ok: false; retryAfter: number } {
    this.#drain();
    if (this.#level + 1 > this.size) return { ok: false, retryAfter: (this.#level + 1 - this.size) / this.leak };
    this.#level += 1;
    return { ok: true };
  }
  header(): string {
    this.#drain();
    return `${Math.ceil(this.#level)}/${this.size}`;
  }
  /** Fill it up, as a burst of other calls from the same app would. */
  fill(): void {
    this.#drain();
    this.#level = this.size;
  }
  reset(): void {
    this.#level = 0;
    this.#at = this.now();
  }
}

export function throttled(bucketSize: number, retryAfter: number, leakPerSecond = 2): SandboxResponse {
  return restErrors(429, `Exceeded ${leakPerSecond} calls per second for api client. Reduce request rates to resume uninterrupted service.`, {
    'Retry-After': (Math.ceil(retryAfter * 10) / 10).toFixed(1),
    'X-Shopify-Shop-Api-Call-Limit': `${bucketSize}/${bucketSize}`,
  });
}

const PLURAL: Record<Kind, string> = { blog: 'blogs', article: 'articles', page: 'pages', product: 'products' };
const SCOPE: Record<Kind, string> = { blog: 'content', article: 'content', page: 'content', product: 'products' };

export function render(ctx: ShopifyContext, r: Resource): Record<string, unknown> {
  const t = (ms: number | null) => (ms === null ? null : shopTime(ctx, ms));
  const gid = `gid://shopify/${r.kind === 'blog' ? 'OnlineStoreBlog' : r.kind === 'page' ? 'OnlineStorePage' : r.kind === 'article' ? 'OnlineStoreArticle' : 'Product'}/${r.id}`;
  const f = r.fields;
  switch (r.kind) {
    case 'blog':
      return { id: r.id, handle: f['handle'], title: f['title'], updated_at: t(r.updatedAt), commentable: f['commentable'], feedburner: f['feedburner'], feedburner_location: f['feedburner_location'], created_at: t(r.createdAt), template_suffix: f['template_suffix'], tags: f['tags'], admin_graphql_api_id: gid };
    case 'article':
      return { id: r.id, title: f['title'], created_at: t(r.createdAt), body_html: f['body_html'], blog_id: r.blogId, author: f['author'], user_id: f['user_id'], published_at: t(r.publishedAt), updated_at: t(r.updatedAt), summary_html: f['summary_html'], template_suffix: f['template_suffix'], handle: f['handle'], tags: f['tags'], admin_graphql_api_id: gid, ...(f['image'] ? { image: f['image'] } : {}) };
    case 'page':
      return { id: r.id, title: f['title'], shop_id: 548380009, handle: f['handle'], body_html: f['body_html'], author: f['author'], created_at: t(r.createdAt), updated_at: t(r.updatedAt), published_at: t(r.publishedAt), template_suffix: f['template_suffix'], admin_graphql_api_id: gid };
    case 'product': {
      const variantId = r.id * 10 + 1;
      return {
        id: r.id, title: f['title'], body_html: f['body_html'], vendor: f['vendor'], product_type: f['product_type'], created_at: t(r.createdAt), handle: f['handle'],
        updated_at: t(r.updatedAt), published_at: t(r.publishedAt), template_suffix: f['template_suffix'], published_scope: f['published_scope'], tags: f['tags'], status: f['status'],
        admin_graphql_api_id: gid,
        variants: [{ id: variantId, product_id: r.id, title: 'Default Title', price: f['price'], position: 1, inventory_policy: 'deny', compare_at_price: null, option1: 'Default Title', option2: null, option3: null, created_at: t(r.createdAt), updated_at: t(r.updatedAt), taxable: true, barcode: null, sku: '', inventory_management: null, admin_graphql_api_id: `gid://shopify/ProductVariant/${variantId}` }],
        options: [{ id: r.id * 10 + 2, product_id: r.id, name: 'Title', position: 1, values: ['Default Title'] }],
        images: [],
        image: null,
      };
    }
  }
}

function pick(obj: Record<string, unknown>, fields: string | undefined): Record<string, unknown> {
  if (!fields) return obj;
  const wanted = fields.split(',').map((s) => s.trim());
  return Object.fromEntries(Object.entries(obj).filter(([k]) => wanted.includes(k)));
}

const FILTERS = ['ids', 'since_id', 'created_at_min', 'created_at_max', 'updated_at_min', 'updated_at_max', 'published_at_min', 'published_at_max', 'published_status', 'handle', 'author', 'tag', 'vendor', 'product_type', 'status', 'title'];

interface Cursor {
  f: Record<string, string>;
  /** Last id of the page before (next) or first id of the page after (previous). */
  after?: number;
  before?: number;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(v: string): Cursor | undefined {
  try {
    const c = JSON.parse(Buffer.from(v, 'base64url').toString('utf8')) as Cursor;
    return c && typeof c.f === 'object' ? c : undefined;
  } catch {
    return undefined;
  }
}

function matches(ctx: ShopifyContext, r: Resource, f: Record<string, string>): boolean | SandboxResponse {
  const time = (name: string): number | undefined | null => {
    const v = f[name];
    if (v === undefined) return undefined;
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  };
  for (const [name, value, cmp] of [
    ['created_at_min', r.createdAt, (a: number, b: number) => a >= b],
    ['created_at_max', r.createdAt, (a: number, b: number) => a <= b],
    ['updated_at_min', r.updatedAt, (a: number, b: number) => a >= b],
    ['updated_at_max', r.updatedAt, (a: number, b: number) => a <= b],
    ['published_at_min', r.publishedAt, (a: number, b: number) => a >= b],
    ['published_at_max', r.publishedAt, (a: number, b: number) => a <= b],
  ] as const) {
    const bound = time(name);
    if (bound === null) return restErrors(400, { [name]: 'Invalid date' });
    if (bound !== undefined && (value === null || !cmp(value, bound))) return false;
  }
  if (f['ids'] && !f['ids'].split(',').map(Number).includes(r.id)) return false;
  if (f['since_id'] && !(r.id > Number(f['since_id']))) return false;
  const ps = f['published_status'];
  if (ps === 'published' && r.publishedAt === null) return false;
  if (ps === 'unpublished' && r.publishedAt !== null) return false;
  for (const key of ['handle', 'author', 'vendor', 'product_type', 'title'] as const) if (f[key] !== undefined && r.fields[key] !== f[key]) return false;
  if (f['status'] && !f['status'].split(',').includes(String(r.fields['status']))) return false;
  if (f['tag'] && !String(r.fields['tags'] ?? '').split(',').map((s) => s.trim()).includes(f['tag'])) return false;
  return true;
}

function list(ctx: ShopifyContext, req: SandboxRequest, kind: Kind, blogId?: number): SandboxResponse {
  const limitRaw = req.query['limit'];
  const limit = limitRaw === undefined ? 50 : Math.min(250, Math.max(1, Number.parseInt(limitRaw, 10) || 50));
  let cursor: Cursor = { f: {} };
  const pageInfo = req.query['page_info'];
  if (pageInfo !== undefined) {
    const extra = Object.keys(req.query).filter((k) => !['page_info', 'limit', 'fields'].includes(k));
    if (extra.length) return restErrors(400, { page_info: [`Unsupported parameters with page_info: ${extra.join(', ')}`] });
    const c = decodeCursor(pageInfo);
    if (!c) return restErrors(400, { page_info: ['Invalid value.'] });
    cursor = c;
  } else {
    for (const k of FILTERS) if (req.query[k] !== undefined) cursor.f[k] = req.query[k];
  }
  const rows: Resource[] = [];
  for (const r of ctx.data.of(kind, blogId)) {
    const m = matches(ctx, r, cursor.f);
    if (typeof m === 'object') return m;
    if (m) rows.push(r);
  }
  rows.sort((a, b) => a.id - b.id);
  let start = 0;
  if (cursor.after !== undefined) start = rows.findIndex((r) => r.id > cursor.after!);
  if (cursor.before !== undefined) {
    const idx = rows.findIndex((r) => r.id >= cursor.before!);
    start = Math.max(0, (idx < 0 ? rows.length : idx) - limit);
  }
  if (start < 0) start = rows.length;
  const page = rows.slice(start, start + limit);
  const headers: Record<string, string> = {};
  const links: string[] = [];
  const base = `${ctx.baseUrl}${req.path}`;
  const q = (c: Cursor) => new URLSearchParams({ limit: String(limit), ...(req.query['fields'] ? { fields: req.query['fields'] } : {}), page_info: encodeCursor(c) }).toString();
  if (start > 0 && page.length) links.push(`<${base}?${q({ f: cursor.f, before: page[0]!.id })}>; rel="previous"`);
  if (start + limit < rows.length && page.length) links.push(`<${base}?${q({ f: cursor.f, after: page.at(-1)!.id })}>; rel="next"`);
  if (links.length) headers['Link'] = links.join(', ');
  return json(200, { [PLURAL[kind]]: page.map((r) => pick(render(ctx, r), req.query['fields'])) }, headers);
}

function count(ctx: ShopifyContext, req: SandboxRequest, kind: Kind, blogId?: number): SandboxResponse {
  let n = 0;
  for (const r of ctx.data.of(kind, blogId)) {
    const m = matches(ctx, r, req.query);
    if (typeof m === 'object') return m;
    if (m) n++;
  }
  return json(200, { count: n });
}

function find(ctx: ShopifyContext, kind: Kind, id: string | undefined, blogId?: number): Resource | undefined {
  const r = ctx.data.items.get(Number(id));
  return r && r.kind === kind && (blogId === undefined || r.blogId === blogId) ? r : undefined;
}

const WRITABLE: Record<Kind, readonly string[]> = {
  blog: ['title', 'handle', 'commentable', 'tags', 'template_suffix'],
  article: ['title', 'body_html', 'author', 'summary_html', 'handle', 'tags', 'template_suffix', 'image'],
  page: ['title', 'body_html', 'author', 'handle', 'template_suffix'],
  product: ['title', 'body_html', 'vendor', 'product_type', 'handle', 'tags', 'status', 'template_suffix'],
};

function write(ctx: ShopifyContext, req: SandboxRequest, kind: Kind, existing: Resource | undefined, blogId?: number): SandboxResponse {
  const input = req.body[kind];
  if (!input || typeof input !== 'object' || Array.isArray(input)) return restErrors(400, { [kind]: 'Required parameter missing or invalid' });
  const body = input as Record<string, unknown>;
  const now = Math.floor(ctx.now() / 1000) * 1000;
  if (!existing && (typeof body['title'] !== 'string' || body['title'].trim() === '')) return restErrors(422, { title: ["can't be blank"] });
  if (existing && body['title'] !== undefined && String(body['title']).trim() === '') return restErrors(422, { title: ["can't be blank"] });
  if (kind === 'product' && body['status'] !== undefined && !['active', 'archived', 'draft'].includes(String(body['status']))) return restErrors(422, { status: ['is not included in the list'] });
  let image: Record<string, unknown> | null | undefined;
  if (kind === 'article' && body['image'] !== undefined) {
    const made = articleImage(ctx.files, ctx.baseUrl, body['image'], shopTime(ctx, now), now / 1000);
    if ('error' in made) return restErrors(422, { image: [made.error] });
    image = made.image;
  }
  // Handles are unique per kind (per blog for articles): a create takes the next free `-n`,
  // an update to a taken handle is refused.
  const taken = (h: string) => ctx.data.of(kind, existing?.blogId ?? blogId).some((o) => o !== existing && o.fields['handle'] === h);
  const wanted = typeof body['handle'] === 'string' && body['handle'] !== '' ? handleize(body['handle']) : undefined;
  if (existing && wanted !== undefined && wanted !== existing.fields['handle'] && taken(wanted)) return restErrors(422, { handle: ['has already been taken'] });
  const r: Resource = existing ?? ctx.data.add({ kind, createdAt: now, updatedAt: now, publishedAt: now, ...(blogId === undefined ? {} : { blogId }), fields: kind === 'product' ? { status: 'active', vendor: 'Sandbox Shop', product_type: '', tags: '', published_scope: 'web', price: '0.00', template_suffix: null } : { author: 'Shop Admin', tags: '', template_suffix: null, summary_html: null, user_id: null } });
  for (const k of WRITABLE[kind]) if (body[k] !== undefined && k !== 'image' && k !== 'handle') r.fields[k] = body[k];
  if (image !== undefined) r.fields['image'] = image;
  if (Array.isArray(r.fields['tags'])) r.fields['tags'] = (r.fields['tags'] as unknown[]).join(', ');
  if (existing) {
    if (wanted !== undefined) r.fields['handle'] = wanted;
  } else {
    const base = wanted ?? handleize(String(r.fields['title']));
    let handle = base;
    for (let n = 1; taken(handle); n++) handle = `${base}-${n}`;
    r.fields['handle'] = handle;
  }
  if (body['published'] !== undefined) r.publishedAt = body['published'] === false || body['published'] === 'false' ? null : (r.publishedAt ?? now);
  if (typeof body['published_at'] === 'string') r.publishedAt = Date.parse(body['published_at']) || r.publishedAt;
  if (body['published_at'] === null) r.publishedAt = null;
  r.updatedAt = now;
  ctx.events?.changed(existing ? 'update' : 'create', r);
  return json(existing ? 200 : 201, { [kind]: render(ctx, r) });
}

export function restRoutes(r: Router, ctx: ShopifyContext): void {
  const guard = (kind: Kind, access: 'read' | 'write', fn: (req: SandboxRequest) => SandboxResponse) => (req: SandboxRequest) => {
    const auth = authenticate(ctx, req);
    if (!auth.ok) return auth.res;
    const scope = `${access}_${SCOPE[kind]}`;
    return hasScope(auth.record, scope) ? fn(req) : scopeError(scope);
  };
  const notFound = () => restErrors(404, 'Not Found');
  const blogOf = (req: SandboxRequest) => find(ctx, 'blog', req.params['blog_id']);

  r.add('GET', '/shop', (req) => {
    const auth = authenticate(ctx, req);
    if (!auth.ok) return auth.res;
    return json(200, { shop: shopObject(ctx) });
  });

  r.add('GET', '/blogs/:blog_id/articles/count', guard('article', 'read', (req) => (blogOf(req) ? count(ctx, req, 'article', Number(req.params['blog_id'])) : notFound())));
  r.add('GET', '/blogs/:blog_id/articles', guard('article', 'read', (req) => (blogOf(req) ? list(ctx, req, 'article', Number(req.params['blog_id'])) : notFound())));
  r.add('POST', '/blogs/:blog_id/articles', guard('article', 'write', (req) => (blogOf(req) ? write(ctx, req, 'article', undefined, Number(req.params['blog_id'])) : notFound())));
  for (const [method, access] of [['GET', 'read'], ['PUT', 'write'], ['DELETE', 'write']] as const) {
    r.add(method, '/blogs/:blog_id/articles/:id', guard('article', access, (req) => {
      const item = blogOf(req) ? find(ctx, 'article', req.params['id'], Number(req.params['blog_id'])) : undefined;
      if (!item) return notFound();
      if (method === 'GET') return json(200, { article: pick(render(ctx, item), req.query['fields']) });
      if (method === 'PUT') return write(ctx, req, 'article', item);
      ctx.data.items.delete(item.id);
      ctx.events?.changed('delete', item);
      return json(200, {});
    }));
  }
  for (const kind of ['blog', 'page', 'product'] as const) {
    const plural = PLURAL[kind];
    r.add('GET', `/${plural}/count`, guard(kind, 'read', (req) => count(ctx, req, kind)));
    r.add('GET', `/${plural}`, guard(kind, 'read', (req) => list(ctx, req, kind)));
    r.add('POST', `/${plural}`, guard(kind, 'write', (req) => write(ctx, req, kind, undefined)));
    r.add('GET', `/${plural}/:id`, guard(kind, 'read', (req) => {
      const item = find(ctx, kind, req.params['id']);
      return item ? json(200, { [kind]: pick(render(ctx, item), req.query['fields']) }) : notFound();
    }));
    r.add('PUT', `/${plural}/:id`, guard(kind, 'write', (req) => {
      const item = find(ctx, kind, req.params['id']);
      return item ? write(ctx, req, kind, item) : notFound();
    }));
    r.add('DELETE', `/${plural}/:id`, guard(kind, 'write', (req) => {
      const item = find(ctx, kind, req.params['id']);
      if (!item) return notFound();
      ctx.data.items.delete(item.id);
      ctx.events?.changed('delete', item);
      if (kind === 'blog') for (const a of ctx.data.of('article', item.id)) ctx.data.items.delete(a.id);
      return json(200, {});
    }));
  }

  // Uninstalling the app from the app side revokes its access token(s).
  r.add('DELETE', '/api_permissions/current', (req) => {
    const auth = authenticate(ctx, req);
    if (!auth.ok) return auth.res;
    ctx.tokens.revokeWhere((t) => t.clientId === auth.record.clientId, 'uninstalled');
    ctx.events?.uninstalled();
    return json(200, {});
  });
}

export function shopObject(ctx: ShopifyContext): Record<string, unknown> {
  const c = ctx.config;
  const created = shopTime(ctx, Date.parse('2023-03-01T15:00:00Z'));
  return {
    id: 548380009, name: c.shop.replace(/[-_]/g, ' ').replace(/\b\w/g, (m) => m.toUpperCase()), email: `owner@${c.shop}.example`, domain: shopDomain(c),
    province: 'New York', country: 'US', address1: '1 Sandbox Way', zip: '10001', city: 'New York', source: null, phone: '', latitude: 40.75, longitude: -73.99,
    primary_locale: 'en', address2: '', created_at: created, updated_at: created, country_code: 'US', country_name: 'United States', currency: 'USD',
    customer_email: `owner@${c.shop}.example`, timezone: '(GMT-05:00) Eastern Time (US & Canada)', iana_timezone: 'America/New_York', shop_owner: 'Store Owner',
    money_format: '${{amount}}', money_with_currency_format: '${{amount}} USD', weight_unit: 'lb', province_code: 'NY', taxes_included: false, auto_configure_tax_inclusivity: null,
    tax_shipping: null, county_taxes: true, plan_display_name: 'Basic', plan_name: 'basic', has_discounts: false, has_gift_cards: false, myshopify_domain: shopDomain(c),
    google_apps_domain: null, google_apps_login_enabled: null, money_in_emails_format: '${{amount}}', money_with_currency_in_emails_format: '${{amount}} USD',
    eligible_for_payments: true, requires_extra_payments_agreement: false, password_enabled: false, has_storefront: true, finances: true, primary_location_id: 655441491,
    checkout_api_supported: true, multi_location_enabled: true, setup_required: false, pre_launch_enabled: false, enabled_presentment_currencies: ['USD'],
    marketing_sms_consent_enabled_at_checkout: false, transactional_sms_disabled: false,
  };
}
