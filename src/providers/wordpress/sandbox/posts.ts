/**
 * `wp/v2/posts` and `wp/v2/pages` as WP_REST_Posts_Controller serves them: collection params and
 * their validation, X-WP-Total/X-WP-TotalPages/Link headers, the view/edit contexts, create (201
 * + Location), partial updates via POST/PUT/PATCH that bump `modified_gmt`, and trash-then-force
 * deletion.
 */
import type { Router, SandboxResponse } from '../../../sandbox/kit/server.ts';
import { collectionRoutes } from './collection-routes.ts';
import {
  authCode,
  collectionPage,
  collectionParams,
  canEdit,
  intParam,
  invalidParams,
  ordered,
  parseWpDate,
  restUrl,
  wpDate,
  wpError,
  type ParamErrors,
  type WpContext,
  type WpRequest,
} from './context.ts';
import { slugify, toSecond, WRITABLE_STATUSES, type PostStatus, type PostType, type WpPost } from './site.ts';
import { text } from '../../../sandbox/kit/text.ts';

const TYPES: Record<string, PostType> = { posts: 'post', pages: 'page' };
const ALL_STATUSES = ['publish', 'future', 'draft', 'pending', 'private', 'trash', 'auto-draft', 'inherit', 'any'];
const ORDERBY: Record<PostType, readonly string[]> = {
  post: ['author', 'date', 'id', 'include', 'modified', 'parent', 'relevance', 'slug', 'include_slugs', 'title'],
  page: [
    'author',
    'date',
    'id',
    'include',
    'modified',
    'parent',
    'relevance',
    'slug',
    'include_slugs',
    'title',
    'menu_order',
  ],
};

type Handler = (req: WpRequest) => SandboxResponse;

export function postRoutes(api: Router, ctx: WpContext): void {
  for (const [base, type] of Object.entries(TYPES))
    collectionRoutes(api, ctx, base, type, { list, create, getOne, update, remove });
}

/** Routes that declare `allow_batch` (posts, pages and terms; media does not). */
export function isBatchable(path: string): boolean {
  return /^\/wp\/v2\/(posts|pages|categories|tags)(\/\d+)?$/.test(path);
}

function contextOf(req: WpRequest): 'view' | 'edit' | 'embed' | 'invalid' {
  const c = req.query['context'] ?? 'view';
  return c === 'view' || c === 'edit' || c === 'embed' ? c : 'invalid';
}

function forbiddenContext(req: WpRequest, type: PostType): SandboxResponse {
  return wpError(
    authCode(req),
    'rest_forbidden_context',
    `Sorry, you are not allowed to edit ${type === 'post' ? 'posts' : 'pages'} in this post type.`,
  );
}

function stripBlocks(html: string): string {
  return html.replace(/<!-- \/?wp:[^>]*-->\n?/g, '').trim();
}

function autoExcerpt(content: string): string {
  const words = stripBlocks(content)
    .replace(/<[^>]+>/g, '')
    .split(/\s+/)
    .filter(Boolean);
  return words.length > 55 ? `${words.slice(0, 55).join(' ')} [&hellip;]` : words.join(' ');
}

function link(ctx: WpContext, p: WpPost): string {
  if (p.status !== 'publish' && p.status !== 'private')
    return `${ctx.baseUrl}/?${p.type === 'page' ? 'page_id' : 'p'}=${p.id}`;
  if (p.type === 'page') return `${ctx.baseUrl}/${p.slug}/`;
  const d = new Date(p.date).toISOString();
  return `${ctx.baseUrl}/${d.slice(0, 4)}/${d.slice(5, 7)}/${d.slice(8, 10)}/${p.slug}/`;
}

export function renderPost(
  ctx: WpContext,
  req: WpRequest,
  p: WpPost,
  context: 'view' | 'edit' | 'embed',
): Record<string, unknown> {
  const edit = context === 'edit';
  const base = p.type === 'post' ? 'posts' : 'pages';
  const guid = `${ctx.baseUrl}/?${p.type === 'page' ? 'page_id' : 'p'}=${p.id}`;
  const excerpt = p.excerpt || autoExcerpt(p.content);
  const out: Record<string, unknown> = {
    id: p.id,
    date: wpDate(p.date),
    date_gmt: wpDate(p.date),
    guid: edit ? { rendered: guid, raw: guid } : { rendered: guid },
    modified: wpDate(p.modified),
    modified_gmt: wpDate(p.modified),
    slug: p.slug,
    status: p.status,
    type: p.type,
    link: link(ctx, p),
    title: edit ? { raw: p.title, rendered: p.title } : { rendered: p.title },
    content: {
      ...(edit ? { raw: p.content } : {}),
      rendered: `${stripBlocks(p.content)}\n`,
      protected: p.password !== '',
      ...(edit ? { block_version: 1 } : {}),
    },
    // Pages do not support excerpts in core, so the field is not in their schema.
    ...(p.type === 'post'
      ? {
          excerpt: {
            ...(edit ? { raw: p.excerpt } : {}),
            rendered: `<p>${excerpt}</p>\n`,
            protected: p.password !== '',
          },
        }
      : {}),
    author: p.author,
    featured_media: p.featuredMedia,
  };
  if (p.type === 'page') Object.assign(out, { parent: p.parent, menu_order: p.menuOrder });
  Object.assign(out, { comment_status: p.commentStatus, ping_status: p.pingStatus });
  if (p.type === 'post') out['sticky'] = p.sticky;
  out['template'] = p.template;
  if (p.type === 'post') out['format'] = p.format;
  out['meta'] = { footnotes: '' };
  if (p.type === 'post') Object.assign(out, { categories: p.categories, tags: p.tags });
  if (edit) {
    Object.assign(out, {
      password: p.password,
      permalink_template:
        p.type === 'page' ? `${ctx.baseUrl}/%pagename%/` : `${ctx.baseUrl}/%year%/%monthnum%/%day%/%postname%/`,
      generated_slug: slugify(p.title),
    });
  }
  if (context === 'embed') {
    for (const k of Object.keys(out))
      if (!['id', 'date', 'slug', 'type', 'link', 'title', 'excerpt', 'author', 'featured_media'].includes(k))
        delete out[k];
  }
  out['_links'] = {
    self: [{ href: restUrl(ctx, req.form, `/wp/v2/${base}/${p.id}`) }],
    collection: [{ href: restUrl(ctx, req.form, `/wp/v2/${base}`) }],
    about: [{ href: restUrl(ctx, req.form, `/wp/v2/types/${p.type}`) }],
    author: [{ embeddable: true, href: restUrl(ctx, req.form, `/wp/v2/users/${p.author}`) }],
    'version-history': [{ count: 0, href: restUrl(ctx, req.form, `/wp/v2/${base}/${p.id}/revisions`) }],
    curies: [{ name: 'wp', href: 'https://api.w.org/{rel}', templated: true }],
  };
  return out;
}

function list(ctx: WpContext, req: WpRequest, type: PostType, base: string): SandboxResponse {
  const errors: ParamErrors = {};
  const { context, page, perPage } = collectionParams(req, errors);
  const offset = req.query['offset'] === undefined ? undefined : intParam(req.query['offset']);
  if (req.query['offset'] !== undefined && offset === undefined)
    errors['offset'] = { code: 'rest_invalid_type', message: 'offset is not of type integer.' };
  const order = req.query['order'] ?? 'desc';
  if (order !== 'asc' && order !== 'desc')
    errors['order'] = { code: 'rest_not_in_enum', message: 'order is not one of asc and desc.' };
  const orderby = req.query['orderby'] ?? 'date';
  if (!ORDERBY[type].includes(orderby))
    errors['orderby'] = { code: 'rest_not_in_enum', message: `orderby is not one of ${ORDERBY[type].join(', ')}.` };
  const dates: Record<string, number> = {};
  for (const name of ['after', 'before', 'modified_after', 'modified_before']) {
    const raw = req.query[name];
    if (raw === undefined) continue;
    const t = parseWpDate(raw);
    if (t === undefined) errors[name] = { code: 'rest_invalid_date', message: 'Invalid date.' };
    else dates[name] = t;
  }
  const statuses = req.list('status') ?? ['publish'];
  statuses.forEach((s, i) => {
    if (!ALL_STATUSES.includes(s))
      errors['status'] = {
        code: 'rest_not_in_enum',
        message: `status[${i}] is not one of ${ALL_STATUSES.join(', ')}.`,
      };
  });
  if (Object.keys(errors).length) return invalidParams(errors);
  if (context === 'edit' && !canEdit(req)) return forbiddenContext(req, type);
  if (statuses.some((s) => s !== 'publish') && !canEdit(req))
    return wpError(authCode(req), 'rest_forbidden_status', 'Status is forbidden.');

  const include = req.list('include')?.map(Number);
  const exclude = req.list('exclude')?.map(Number);
  const slugs = req.list('slug');
  const authors = req.list('author')?.map(Number);
  const parents = type === 'page' ? req.list('parent')?.map(Number) : undefined;
  const search = req.query['search']?.toLowerCase();
  const wanted = new Set<string>(
    statuses.includes('any') ? ['publish', 'future', 'draft', 'pending', 'private'] : statuses,
  );
  const rows = [...ctx.site.posts.values()].filter(
    (p) =>
      p.type === type &&
      wanted.has(p.status) &&
      (dates['modified_after'] === undefined || p.modified > dates['modified_after']) &&
      (dates['modified_before'] === undefined || p.modified < dates['modified_before']) &&
      (dates['after'] === undefined || p.date > dates['after']) &&
      (dates['before'] === undefined || p.date < dates['before']) &&
      (!include || include.includes(p.id)) &&
      (!exclude || !exclude.includes(p.id)) &&
      (!slugs || slugs.includes(p.slug)) &&
      (!authors || authors.includes(p.author)) &&
      (!parents || parents.includes(p.parent)) &&
      (!search || p.title.toLowerCase().includes(search) || p.content.toLowerCase().includes(search)),
  );
  const key = (p: WpPost): number | string =>
    orderby === 'id'
      ? p.id
      : orderby === 'modified'
        ? p.modified
        : orderby === 'title'
          ? p.title
          : orderby === 'slug'
            ? p.slug
            : orderby === 'menu_order'
              ? p.menuOrder
              : orderby === 'include' && include
                ? include.indexOf(p.id)
                : p.date;
  return collectionPage(
    ctx,
    req,
    `/wp/v2/${base}`,
    ordered(rows, key, order),
    { page, perPage, offset, refusePastEnd: true },
    (p) => renderPost(ctx, req, p, context),
  );
}

function find(ctx: WpContext, req: WpRequest, type: PostType): WpPost | undefined {
  const id = intParam(req.params['id']);
  const p = id === undefined ? undefined : ctx.site.posts.get(id);
  return p && p.type === type ? p : undefined;
}

function invalidId(): SandboxResponse {
  return wpError(404, 'rest_post_invalid_id', 'Invalid post ID.');
}

function getOne(ctx: WpContext, req: WpRequest, type: PostType): SandboxResponse {
  const p = find(ctx, req, type);
  if (!p) return invalidId();
  const context = contextOf(req);
  if (context === 'invalid')
    return invalidParams({
      context: { code: 'rest_not_in_enum', message: 'context is not one of view, embed, edit.' },
    });
  if (context === 'edit' && !canEdit(req)) return forbiddenContext(req, type);
  if (p.status !== 'publish' && !canEdit(req))
    return wpError(authCode(req), 'rest_forbidden', 'Sorry, you are not allowed to do that.');
  return { status: 200, body: renderPost(ctx, req, p, context) };
}

function rawText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as Record<string, unknown>)['raw'] === 'string')
    return (v as Record<string, string>)['raw'];
  return undefined;
}

/** Schema validation of a create/update body; also used by batch `require-all-validate`. */
export function validateWrite(ctx: WpContext, body: Record<string, unknown>): SandboxResponse | undefined {
  const errors: Record<string, { code: string; message: string }> = {};
  const status = body['status'];
  if (status !== undefined && !WRITABLE_STATUSES.includes(status as PostStatus)) {
    errors['status'] = { code: 'rest_not_in_enum', message: `status is not one of ${WRITABLE_STATUSES.join(', ')}.` };
  }
  for (const f of ['title', 'content', 'excerpt']) {
    if (body[f] !== undefined && rawText(body[f]) === undefined)
      errors[f] = { code: 'rest_invalid_type', message: `${f} is not of type object.` };
  }
  for (const f of ['date', 'date_gmt']) {
    if (
      body[f] !== undefined &&
      body[f] !== null &&
      (typeof body[f] !== 'string' || parseWpDate(body[f]) === undefined)
    ) {
      errors[f] = { code: 'rest_invalid_date', message: 'Invalid date.' };
    }
  }
  if (body['author'] !== undefined && !ctx.site.user(Number(body['author'])))
    return wpError(400, 'rest_invalid_author', 'Invalid author ID.');
  return Object.keys(errors).length ? invalidParams(errors) : undefined;
}

function uniqueSlug(ctx: WpContext, wanted: string, selfId: number, type: PostType): string {
  let slug = wanted;
  for (let n = 2; [...ctx.site.posts.values()].some((p) => p.id !== selfId && p.type === type && p.slug === slug); n++)
    slug = `${wanted}-${n}`;
  return slug;
}

function apply(ctx: WpContext, p: WpPost, body: Record<string, unknown>): void {
  const title = rawText(body['title']);
  if (title !== undefined) p.title = title;
  const content = rawText(body['content']);
  if (content !== undefined) p.content = content;
  const excerpt = rawText(body['excerpt']);
  if (excerpt !== undefined && p.type === 'post') p.excerpt = excerpt;
  if (typeof body['status'] === 'string') p.status = body['status'] as PostStatus;
  if (typeof body['slug'] === 'string' && body['slug'] !== '')
    p.slug = uniqueSlug(ctx, slugify(body['slug']), p.id, p.type);
  const date =
    typeof body['date_gmt'] === 'string'
      ? body['date_gmt']
      : typeof body['date'] === 'string'
        ? body['date']
        : undefined;
  if (date !== undefined) p.date = parseWpDate(date) ?? p.date;
  if (body['author'] !== undefined) p.author = Number(body['author']);
  if (typeof body['password'] === 'string') p.password = body['password'];
  if (body['comment_status'] === 'open' || body['comment_status'] === 'closed')
    p.commentStatus = body['comment_status'];
  if (body['ping_status'] === 'open' || body['ping_status'] === 'closed') p.pingStatus = body['ping_status'];
  if (typeof body['sticky'] === 'boolean') p.sticky = body['sticky'];
  if (typeof body['format'] === 'string') p.format = body['format'];
  if (typeof body['template'] === 'string') p.template = body['template'];
  // wp_set_object_terms skips integer ids that are not terms of the taxonomy.
  const terms = (v: unknown[], taxonomy: string) =>
    v.map(Number).filter((id) => ctx.site.terms.get(id)?.taxonomy === taxonomy);
  if (p.type === 'post' && Array.isArray(body['categories'])) p.categories = terms(body['categories'], 'category');
  if (p.type === 'post' && Array.isArray(body['tags'])) p.tags = terms(body['tags'], 'post_tag');
  if (body['parent'] !== undefined) p.parent = Number(body['parent']);
  if (body['menu_order'] !== undefined) p.menuOrder = Number(body['menu_order']);
  if (body['featured_media'] !== undefined) {
    // handle_featured_media: 0 removes it; an id that is not an image attachment is ignored (6.1 drops the error).
    const id = Number(body['featured_media']);
    if (!id) p.featuredMedia = 0;
    else if (ctx.site.media.get(id)?.mimeType.startsWith('image/')) p.featuredMedia = id;
  }
}

function create(ctx: WpContext, req: WpRequest, type: PostType, base: string): SandboxResponse {
  const body = req.body;
  if (body['id'] !== undefined) return wpError(400, 'rest_post_exists', 'Cannot create existing post.');
  if (!canEdit(req))
    return wpError(
      authCode(req),
      'rest_cannot_create',
      `Sorry, you are not allowed to create ${type === 'post' ? 'posts' : 'pages'} as this user.`,
    );
  const invalid = validateWrite(ctx, body);
  if (invalid) return invalid;
  if (type === 'post' && !rawText(body['title']) && !rawText(body['content']) && !rawText(body['excerpt']))
    return emptyContent();
  const now = toSecond(ctx.now());
  const p: WpPost = {
    id: ctx.site.nextId,
    type,
    status: 'draft',
    date: now,
    modified: now,
    slug: '',
    title: '',
    content: '',
    excerpt: '',
    author: req.user?.id ?? 1,
    password: '',
    commentStatus: type === 'post' ? 'open' : 'closed',
    pingStatus: type === 'post' ? 'open' : 'closed',
    sticky: false,
    format: 'standard',
    categories: type === 'post' ? [1] : [],
    tags: [],
    parent: 0,
    menuOrder: 0,
    template: '',
    featuredMedia: 0,
  };
  apply(ctx, p, body);
  generateSlug(ctx, p);
  ctx.site.nextId++;
  ctx.site.posts.set(p.id, p);
  return {
    status: 201,
    headers: { Location: restUrl(ctx, req.form, `/wp/v2/${base}/${p.id}`) },
    body: renderPost(ctx, req, p, 'edit'),
  };
}

function update(ctx: WpContext, req: WpRequest, type: PostType): SandboxResponse {
  const p = find(ctx, req, type);
  if (!p) return invalidId();
  if (!canEdit(req)) return wpError(authCode(req), 'rest_cannot_edit', 'Sorry, you are not allowed to edit this post.');
  const invalid = validateWrite(ctx, req.body);
  if (invalid) return invalid;
  const next: WpPost = { ...p, categories: [...p.categories], tags: [...p.tags] };
  apply(ctx, next, req.body);
  // wp_update_post goes through wp_insert_post, which refuses a post left with nothing in it.
  if (type === 'post' && !next.title && !next.content && !next.excerpt) return emptyContent();
  generateSlug(ctx, next);
  // Last write wins: core ignores the edit lock and has no conditional headers.
  next.modified = toSecond(ctx.now());
  Object.assign(p, next);
  return { status: 200, body: renderPost(ctx, req, p, 'edit') };
}

function emptyContent(): SandboxResponse {
  return wpError(400, 'empty_content', 'Content, title, and excerpt are empty.');
}

/** wp_insert_post: drafts and pending posts keep an empty post_name; anything else gets one from the title. */
function generateSlug(ctx: WpContext, p: WpPost): void {
  if (!p.slug && p.status !== 'draft' && p.status !== 'pending')
    p.slug = uniqueSlug(ctx, slugify(p.title), p.id, p.type);
}

/** `wp_trash_post`: remember the status, suffix the slug, bump modified. */
export function trashPost(p: WpPost, now: number): void {
  p.trashedFrom = p.status;
  p.status = 'trash';
  if (!p.slug.endsWith('__trashed')) p.slug = `${p.slug}__trashed`;
  p.modified = toSecond(now);
}

function remove(ctx: WpContext, req: WpRequest, type: PostType): SandboxResponse {
  const p = find(ctx, req, type);
  if (!p) return invalidId();
  if (!canEdit(req))
    return wpError(authCode(req), 'rest_cannot_delete', 'Sorry, you are not allowed to delete this post.');
  const force = ['true', '1'].includes(text(req.query['force'] ?? req.body['force'], 'false'));
  if (force) {
    const previous = renderPost(ctx, req, p, 'edit');
    ctx.site.posts.delete(p.id);
    return { status: 200, body: { deleted: true, previous } };
  }
  if (!ctx.config.trashEnabled)
    return wpError(501, 'rest_trash_not_supported', "The post does not support trashing. Set 'force=true' to delete.");
  if (p.status === 'trash') return wpError(410, 'rest_already_trashed', 'The post has already been deleted.');
  trashPost(p, ctx.now());
  return { status: 200, body: renderPost(ctx, req, p, 'edit') };
}

export type { Handler };
