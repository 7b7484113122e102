/**
 * `wp/v2/categories` and `wp/v2/tags` as WP_REST_Terms_Controller serves them: the collection
 * (search over name and slug, include/exclude/slug filters, name order, paging headers), create
 * with `wp_insert_term`'s `term_exists` refusal (which hands back the existing id), update, and
 * delete that needs `force=true` because terms have no trash.
 */
import type { Router, SandboxResponse } from '../../../sandbox/kit/server.ts';
import { collectionRoutes } from './collection-routes.ts';
import {
  authCode,
  canEdit,
  collectionPage,
  collectionParams,
  intParam,
  invalidParams,
  ordered,
  restUrl,
  sanitizeTermName,
  wpError,
  type ParamErrors,
  type WpContext,
  type WpRequest,
} from './context.ts';
import { slugify, type Taxonomy, type WpTerm } from './site.ts';
import { text } from '../../../sandbox/kit/text.ts';

const BASES: Record<string, Taxonomy> = { categories: 'category', tags: 'post_tag' };
const ORDERBY = ['id', 'include', 'name', 'slug', 'include_slugs', 'term_group', 'description', 'count'];

export function termRoutes(api: Router, ctx: WpContext): void {
  for (const [base, taxonomy] of Object.entries(BASES))
    collectionRoutes(api, ctx, base, taxonomy, { list, create, getOne, update, remove });
}

/** Published posts carrying the term (`_update_post_term_count`). */
function count(ctx: WpContext, t: WpTerm): number {
  let n = 0;
  for (const p of ctx.site.posts.values()) {
    if (p.status === 'publish' && (t.taxonomy === 'category' ? p.categories : p.tags).includes(t.id)) n++;
  }
  return n;
}

export function renderTerm(ctx: WpContext, req: WpRequest, t: WpTerm, base: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: t.id,
    count: count(ctx, t),
    description: t.description,
    link: `${ctx.baseUrl}/${t.taxonomy === 'category' ? 'category' : 'tag'}/${t.slug}/`,
    name: t.name,
    slug: t.slug,
    taxonomy: t.taxonomy,
  };
  if (t.taxonomy === 'category') out['parent'] = t.parent;
  out['meta'] = [];
  out['_links'] = {
    self: [{ href: restUrl(ctx, req.form, `/wp/v2/${base}/${t.id}`) }],
    collection: [{ href: restUrl(ctx, req.form, `/wp/v2/${base}`) }],
    about: [{ href: restUrl(ctx, req.form, `/wp/v2/taxonomies/${t.taxonomy}`) }],
    'wp:post_type': [{ href: restUrl(ctx, req.form, '/wp/v2/posts', { [base]: String(t.id) }) }],
    curies: [{ name: 'wp', href: 'https://api.w.org/{rel}', templated: true }],
  };
  return out;
}

function list(ctx: WpContext, req: WpRequest, taxonomy: Taxonomy, base: string): SandboxResponse {
  const errors: ParamErrors = {};
  const { page, perPage } = collectionParams(req, errors);
  const order = req.query['order'] ?? 'asc';
  if (order !== 'asc' && order !== 'desc')
    errors['order'] = { code: 'rest_not_in_enum', message: 'order is not one of asc and desc.' };
  const orderby = req.query['orderby'] ?? 'name';
  if (!ORDERBY.includes(orderby))
    errors['orderby'] = { code: 'rest_not_in_enum', message: `orderby is not one of ${ORDERBY.join(', ')}.` };
  const offset = req.query['offset'] === undefined ? undefined : intParam(req.query['offset']);
  if (req.query['offset'] !== undefined && offset === undefined)
    errors['offset'] = { code: 'rest_invalid_type', message: 'offset is not of type integer.' };
  if (Object.keys(errors).length) return invalidParams(errors);

  const include = req.list('include')?.map(Number);
  const exclude = req.list('exclude')?.map(Number);
  const slugs = req.list('slug')?.map((s) => slugify(s));
  const search = req.query['search']?.toLowerCase();
  const hideEmpty = ['true', '1'].includes(req.query['hide_empty'] ?? '');
  const parent = taxonomy === 'category' ? intParam(req.query['parent']) : undefined;
  const postId = intParam(req.query['post']);
  const onPost = postId === undefined ? undefined : ctx.site.posts.get(postId);
  const rows = [...ctx.site.terms.values()].filter(
    (t) =>
      t.taxonomy === taxonomy &&
      (!include || include.includes(t.id)) &&
      (!exclude || !exclude.includes(t.id)) &&
      (!slugs || slugs.includes(t.slug)) &&
      (!search || t.name.toLowerCase().includes(search) || t.slug.includes(search)) &&
      (parent === undefined || t.parent === parent) &&
      (postId === undefined ||
        (onPost !== undefined && (taxonomy === 'category' ? onPost.categories : onPost.tags).includes(t.id))) &&
      (!hideEmpty || count(ctx, t) > 0),
  );
  const key = (t: WpTerm): number | string =>
    orderby === 'id'
      ? t.id
      : orderby === 'slug'
        ? t.slug
        : orderby === 'count'
          ? count(ctx, t)
          : orderby === 'description'
            ? t.description
            : orderby === 'include' && include
              ? include.indexOf(t.id)
              : t.name.toLowerCase();
  return collectionPage(
    ctx,
    req,
    `/wp/v2/${base}`,
    ordered(rows, key, order),
    { page, perPage, offset, refusePastEnd: false },
    (t) => renderTerm(ctx, req, t, base),
  );
}

/** Schema checks batch `require-all-validate` runs before anything executes. */
export function validateTermWrite(isCreate: boolean, body: Record<string, unknown>): SandboxResponse | undefined {
  if (isCreate && body['name'] === undefined)
    return wpError(400, 'rest_missing_callback_param', 'Missing parameter(s): name', { params: ['name'] });
  if (body['name'] !== undefined && typeof body['name'] !== 'string')
    return invalidParams({ name: { code: 'rest_invalid_type', message: 'name is not of type string.' } });
  return undefined;
}

function find(ctx: WpContext, req: WpRequest, taxonomy: Taxonomy): WpTerm | undefined {
  const id = intParam(req.params['id']);
  const t = id === undefined ? undefined : ctx.site.terms.get(id);
  return t && t.taxonomy === taxonomy ? t : undefined;
}

const invalidTerm = () => wpError(404, 'rest_term_invalid', 'Term does not exist.');

function getOne(ctx: WpContext, req: WpRequest, taxonomy: Taxonomy, base: string): SandboxResponse {
  const t = find(ctx, req, taxonomy);
  return t ? { status: 200, body: renderTerm(ctx, req, t, base) } : invalidTerm();
}

/** `wp_insert_term`'s duplicate rule: the same name (case-insensitively) among the term's siblings. */
function existing(ctx: WpContext, taxonomy: Taxonomy, name: string, parent: number, selfId = 0): WpTerm | undefined {
  const lower = name.toLowerCase();
  return [...ctx.site.terms.values()].find(
    (t) => t.id !== selfId && t.taxonomy === taxonomy && t.parent === parent && t.name.toLowerCase() === lower,
  );
}

function uniqueSlug(ctx: WpContext, taxonomy: Taxonomy, wanted: string, selfId = 0): string {
  let slug = wanted;
  for (
    let n = 2;
    [...ctx.site.terms.values()].some((t) => t.id !== selfId && t.taxonomy === taxonomy && t.slug === slug);
    n++
  )
    slug = `${wanted}-${n}`;
  return slug;
}

function checkParent(ctx: WpContext, req: WpRequest, taxonomy: Taxonomy): SandboxResponse | number {
  if (req.body['parent'] === undefined) return 0;
  if (taxonomy !== 'category')
    return wpError(400, 'rest_taxonomy_not_hierarchical', 'Cannot set parent term, taxonomy is not hierarchical.');
  const parent = Number(req.body['parent']);
  if (parent !== 0 && ctx.site.terms.get(parent)?.taxonomy !== 'category')
    return wpError(400, 'rest_term_invalid', 'Parent term does not exist.');
  return parent;
}

function create(ctx: WpContext, req: WpRequest, taxonomy: Taxonomy, base: string): SandboxResponse {
  if (!canEdit(req))
    return wpError(authCode(req), 'rest_cannot_create', 'Sorry, you are not allowed to create terms in this taxonomy.');
  const invalid = validateTermWrite(true, req.body);
  if (invalid) return invalid;
  const name = sanitizeTermName(String(req.body['name']));
  const parent = checkParent(ctx, req, taxonomy);
  if (typeof parent !== 'number') return parent;
  if (!name) return wpError(400, 'empty_term_name', 'A name is required for this term.');
  const dup = existing(ctx, taxonomy, name, parent);
  if (dup) {
    const message =
      taxonomy === 'category'
        ? 'A term with the name provided already exists with this parent.'
        : 'A term with the name provided already exists in this taxonomy.';
    return {
      status: 400,
      body: { code: 'term_exists', message, data: { status: 400, term_id: dup.id }, additional_data: [dup.id] },
    };
  }
  const slugIn =
    typeof req.body['slug'] === 'string' && req.body['slug'] ? req.body['slug'] : name.replace(/&amp;/g, '');
  const description = typeof req.body['description'] === 'string' ? req.body['description'] : '';
  const t = ctx.site.addTerm(taxonomy, name, uniqueSlug(ctx, taxonomy, slugify(slugIn)), description, parent);
  return {
    status: 201,
    headers: { Location: restUrl(ctx, req.form, `/wp/v2/${base}/${t.id}`) },
    body: renderTerm(ctx, req, t, base),
  };
}

function update(ctx: WpContext, req: WpRequest, taxonomy: Taxonomy, base: string): SandboxResponse {
  const t = find(ctx, req, taxonomy);
  if (!t) return invalidTerm();
  if (!canEdit(req))
    return wpError(authCode(req), 'rest_cannot_update', 'Sorry, you are not allowed to edit this term.');
  const parent = req.body['parent'] === undefined ? t.parent : checkParent(ctx, req, taxonomy);
  if (typeof parent !== 'number') return parent;
  const name = typeof req.body['name'] === 'string' ? sanitizeTermName(req.body['name']) : t.name;
  if (!name) return wpError(400, 'empty_term_name', 'A name is required for this term.');
  if (existing(ctx, taxonomy, name, parent, t.id))
    return wpError(400, 'duplicate_term_slug', `The slug “${t.slug}” is already in use by another term.`);
  t.name = name;
  t.parent = parent;
  if (typeof req.body['slug'] === 'string' && req.body['slug'])
    t.slug = uniqueSlug(ctx, taxonomy, slugify(req.body['slug']), t.id);
  if (typeof req.body['description'] === 'string') t.description = req.body['description'];
  return { status: 200, body: renderTerm(ctx, req, t, base) };
}

function remove(ctx: WpContext, req: WpRequest, taxonomy: Taxonomy, base: string): SandboxResponse {
  const t = find(ctx, req, taxonomy);
  if (!t) return invalidTerm();
  if (!canEdit(req))
    return wpError(authCode(req), 'rest_cannot_delete', 'Sorry, you are not allowed to delete this term.');
  if (!['true', '1'].includes(text(req.query['force'] ?? req.body['force'], 'false'))) {
    return wpError(501, 'rest_trash_not_supported', "Terms do not support trashing. Set 'force=true' to delete.");
  }
  // wp_delete_term refuses the default category.
  if (t.id === 1) return wpError(500, 'rest_cannot_delete', 'The term cannot be deleted.');
  const previous = renderTerm(ctx, req, t, base);
  ctx.site.terms.delete(t.id);
  // wp_delete_term: posts lose the term; a post left without a category gets the default one.
  for (const p of ctx.site.posts.values()) {
    if (taxonomy === 'category' && p.categories.includes(t.id)) {
      p.categories = p.categories.filter((c) => c !== t.id);
      if (!p.categories.length && p.type === 'post') p.categories = [1];
    } else if (taxonomy === 'post_tag') p.tags = p.tags.filter((c) => c !== t.id);
  }
  return { status: 200, body: { deleted: true, previous } };
}
