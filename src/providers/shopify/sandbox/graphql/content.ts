/**
 * Blogs, articles, pages and products on the GraphQL Admin API: object rendering from the shop's
 * store, the list queries with search and sort, and the create / update / delete mutations with
 * Shopify's userErrors (blank title, taken handle, unknown id). Handles are unique per kind (per
 * blog for articles): a create takes the next free `-n`, an update to a taken one is refused.
 */
import { articleImage } from '../files.ts';
import { handleize, type Kind, type Resource } from '../store.ts';
import { gid, idOf, iso, requireScope, type GqlContext, type UserError } from './access.ts';
import { matchesTerm, paginate, parseSearch, type ListArgs } from './connection.ts';
import { text } from '../../../../sandbox/kit/text.ts';

const TYPE: Record<Kind, string> = { blog: 'Blog', article: 'Article', page: 'Page', product: 'Product' };
const SCOPE: Record<Kind, string> = { blog: 'content', article: 'content', page: 'content', product: 'products' };

type Obj = Record<string, unknown>;

const tagsOf = (v: unknown): string[] =>
  text(v)
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
const plainText = (html: unknown): string => text(html).replace(/<[^>]*>/g, '');

export function renderNode(g: GqlContext, r: Resource): Obj {
  const f = r.fields;
  const common = {
    __typename: TYPE[r.kind],
    id: gid(TYPE[r.kind], r.id),
    title: f['title'],
    handle: f['handle'],
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    templateSuffix: f['template_suffix'] ?? null,
  };
  switch (r.kind) {
    case 'blog':
      return {
        ...common,
        commentPolicy:
          f['commentable'] === 'yes' ? 'AUTO_PUBLISHED' : f['commentable'] === 'moderate' ? 'MODERATED' : 'CLOSED',
        tags: tagsOf(f['tags']),
        articles: (args: ListArgs) =>
          list(g, 'article', { ...args, query: `blog_id:${r.id} ${args.query ?? ''}` }, 'articles'),
        articlesCount: () => ({ count: g.shop.data.of('article', r.id).length, precision: 'EXACT' }),
      };
    case 'article': {
      const img = f['image'] as Obj | null | undefined;
      const blog = r.blogId === undefined ? undefined : g.shop.data.items.get(r.blogId);
      return {
        ...common,
        body: f['body_html'] ?? '',
        summary: f['summary_html'] ?? null,
        author: f['author'] ? { name: f['author'] } : null,
        tags: tagsOf(f['tags']),
        isPublished: r.publishedAt !== null,
        publishedAt: iso(r.publishedAt),
        image: img
          ? {
              id: null,
              url: img['src'],
              altText: img['alt'] ?? null,
              width: img['width'] ?? null,
              height: img['height'] ?? null,
            }
          : null,
        blog: () => (blog ? renderNode(g, blog) : null),
      };
    }
    case 'page':
      return {
        ...common,
        body: f['body_html'] ?? '',
        bodySummary: plainText(f['body_html']).slice(0, 150),
        isPublished: r.publishedAt !== null,
        publishedAt: iso(r.publishedAt),
      };
    case 'product':
      return {
        ...common,
        descriptionHtml: f['body_html'] ?? '',
        description: plainText(f['body_html']),
        status: text(f['status'], 'active').toUpperCase(),
        tags: tagsOf(f['tags']),
        productType: f['product_type'] ?? '',
        vendor: f['vendor'] ?? '',
        publishedAt: iso(r.publishedAt),
        legacyResourceId: String(r.id),
      };
  }
}

/** The sort value of a resource under a sort key (ties broken by id). */
function sortValue(r: Resource, sortKey: string): (string | number)[] {
  switch (sortKey) {
    case 'UPDATED_AT':
      return [r.updatedAt, r.id];
    case 'CREATED_AT':
      return [r.createdAt, r.id];
    case 'PUBLISHED_AT':
      return [r.publishedAt ?? 0, r.id];
    case 'TITLE':
      return [text(r.fields['title']).toLowerCase(), r.id];
    case 'HANDLE':
      return [text(r.fields['handle']), r.id];
    default:
      return [r.id];
  }
}

function searchValue(r: Resource, field: string): string | number | readonly string[] | null | undefined {
  switch (field) {
    case 'handle':
      return text(r.fields['handle']);
    case 'blog_id':
      return r.blogId;
    case 'id':
      return r.id;
    case 'title':
      return text(r.fields['title']);
    case 'tag':
      return tagsOf(r.fields['tags']);
    case 'status':
      return text(r.fields['status']);
    case 'product_type':
      return text(r.fields['product_type']);
    case 'updated_at':
      return iso(r.updatedAt);
    case 'created_at':
      return iso(r.createdAt);
    default:
      return undefined;
  }
}

export function list(g: GqlContext, kind: Kind, args: ListArgs, field: string): unknown {
  requireScope(g, `read_${SCOPE[kind]}`, field);
  const terms = parseSearch(args.query);
  const items = g.shop.data
    .of(kind)
    .filter((r) =>
      terms.every((t) => searchValue(r, t.field) === undefined || matchesTerm(searchValue(r, t.field), t)),
    );
  const page = paginate(items, args, sortValue, g.bulk);
  const nodes = page.nodes.map((r) => renderNode(g, r));
  return { ...page, nodes, edges: page.edges.map((e, i) => ({ cursor: e.cursor, node: nodes[i] })) };
}

export function one(g: GqlContext, kind: Kind, id: unknown, field: string): Obj | null {
  requireScope(g, `read_${SCOPE[kind]}`, field);
  const r = g.shop.data.items.get(idOf(id, TYPE[kind]) ?? -1);
  return r && r.kind === kind ? renderNode(g, r) : null;
}

const CONTENT_FIELDS: Record<Kind, Record<string, string>> = {
  blog: { title: 'title', handle: 'handle', templateSuffix: 'template_suffix' },
  article: { title: 'title', body: 'body_html', summary: 'summary_html', templateSuffix: 'template_suffix' },
  page: { title: 'title', body: 'body_html', templateSuffix: 'template_suffix' },
  product: {
    title: 'title',
    descriptionHtml: 'body_html',
    productType: 'product_type',
    vendor: 'vendor',
    templateSuffix: 'template_suffix',
  },
};

/** What the admin fills in when a merchant leaves a field empty, through GraphQL or REST alike. */
export const CREATE_DEFAULTS: Record<Kind, Obj> = {
  blog: { commentable: 'no', tags: '', template_suffix: null, feedburner: null, feedburner_location: null },
  article: {
    author: 'Shop Admin',
    tags: '',
    template_suffix: null,
    summary_html: null,
    user_id: null,
    body_html: '',
    image: null,
  },
  page: { author: 'Shop Admin', template_suffix: null, body_html: '' },
  product: {
    status: 'active',
    vendor: 'Sandbox Shop',
    product_type: '',
    tags: '',
    published_scope: 'web',
    price: '0.00',
    template_suffix: null,
    body_html: '',
  },
};

export interface WriteResult {
  resource: Resource | null;
  userErrors: UserError[];
}

/**
 * Creates (no `existing`) or updates a resource from a GraphQL input. `inputName` is the
 * argument the input came in (`article`, `page`, `product`), the first element of each
 * userError's field path.
 */
export function write(g: GqlContext, kind: Kind, input: Obj, inputName: string, existing?: Resource): WriteResult {
  requireScope(g, `write_${SCOPE[kind]}`, `${kind}${existing ? 'Update' : 'Create'}`);
  const err = (code: string, field: string, message: string): WriteResult => ({
    resource: null,
    userErrors: [{ code, field: [inputName, field], message }],
  });
  const shop = g.shop;
  const now = Math.floor(shop.now() / 1000) * 1000;
  const title = input['title'];
  if ((!existing || title !== undefined) && (typeof title !== 'string' || title.trim() === ''))
    return err('BLANK', 'title', "Title can't be blank");
  let blogId = existing?.blogId;
  if (kind === 'article' && !existing) {
    blogId = idOf(input['blogId'], 'Blog') ?? shop.data.of('blog')[0]?.id;
    const blog = blogId === undefined ? undefined : shop.data.items.get(blogId);
    if (!blog || blog.kind !== 'blog') return err('NOT_FOUND', 'blogId', 'Blog does not exist');
  }
  let image: Obj | null | undefined;
  if (kind === 'article' && input['image'] !== undefined) {
    const raw = input['image'];
    const i = typeof raw === 'object' ? (raw as { url?: string | null; altText?: string | null } | null) : null;
    if (i === null || !i.url) image = null;
    else {
      const made = articleImage(
        shop.files,
        shop.baseUrl,
        { src: i.url, alt: i.altText ?? null },
        iso(now) ?? '',
        now / 1000,
      );
      if ('error' in made) return err('INVALID', 'image', `Image ${made.error}`);
      image = made.image;
    }
  }
  const taken = (h: string) =>
    shop.data.of(kind, kind === 'article' ? blogId : undefined).some((o) => o !== existing && o.fields['handle'] === h);
  const wanted = typeof input['handle'] === 'string' && input['handle'] !== '' ? handleize(input['handle']) : undefined;
  if (existing && wanted !== undefined && wanted !== existing.fields['handle'] && taken(wanted))
    return err('TAKEN', 'handle', 'Handle has already been taken');
  if (
    kind === 'product' &&
    input['status'] !== undefined &&
    !['ACTIVE', 'ARCHIVED', 'DRAFT'].includes(text(input['status']))
  )
    return err('INVALID', 'status', 'Status is not included in the list');

  const r: Resource =
    existing ??
    shop.data.add({
      kind,
      createdAt: now,
      updatedAt: now,
      publishedAt: now,
      ...(blogId === undefined ? {} : { blogId }),
      fields: { ...CREATE_DEFAULTS[kind] },
    });
  for (const [from, to] of Object.entries(CONTENT_FIELDS[kind]))
    if (input[from] !== undefined) r.fields[to] = input[from];
  if (input['tags'] !== undefined && kind !== 'page')
    r.fields['tags'] = (Array.isArray(input['tags']) ? input['tags'] : []).map(String).join(', ');
  if (input['author'] !== undefined && input['author'] !== null)
    r.fields['author'] = String((input['author'] as Obj)['name'] ?? r.fields['author']);
  if (input['status'] !== undefined) r.fields['status'] = text(input['status']).toLowerCase();
  if (image !== undefined) r.fields['image'] = image;
  if (existing) {
    if (wanted !== undefined) r.fields['handle'] = wanted;
  } else {
    const base = wanted ?? handleize(String(r.fields['title']));
    let handle = base;
    for (let n = 1; taken(handle); n++) handle = `${base}-${n}`;
    r.fields['handle'] = handle;
  }
  if (input['isPublished'] !== undefined && input['isPublished'] !== null)
    r.publishedAt = input['isPublished'] ? (r.publishedAt ?? now) : null;
  if (typeof input['publishDate'] === 'string') r.publishedAt = Date.parse(input['publishDate']) || r.publishedAt;
  r.updatedAt = now;
  shop.events?.changed(existing ? 'update' : 'create', r);
  return { resource: r, userErrors: [] };
}

export function find(g: GqlContext, kind: Kind, id: unknown): Resource | undefined {
  const r = g.shop.data.items.get(idOf(id, TYPE[kind]) ?? -1);
  return r && r.kind === kind ? r : undefined;
}

export function remove(g: GqlContext, kind: Kind, id: unknown): { deleted: string | null; userErrors: UserError[] } {
  requireScope(g, `write_${SCOPE[kind]}`, `${kind}Delete`);
  const r = find(g, kind, id);
  if (!r)
    return {
      deleted: null,
      userErrors: [{ code: 'NOT_FOUND', field: ['id'], message: `${TYPE[kind]} does not exist` }],
    };
  g.shop.data.items.delete(r.id);
  if (kind === 'blog') for (const a of g.shop.data.of('article', r.id)) g.shop.data.items.delete(a.id);
  g.shop.events?.changed('delete', r);
  return { deleted: gid(TYPE[kind], r.id), userErrors: [] };
}

/** Query and mutation root fields for content. */
export function contentRoot(): Record<string, (args: Obj, g: GqlContext) => unknown> {
  const wrote = (g: GqlContext, key: string, res: WriteResult) => ({
    [key]: res.resource ? renderNode(g, res.resource) : null,
    userErrors: res.userErrors,
  });
  const missing = (key: string, type: string) => ({
    [key]: null,
    userErrors: [{ code: 'NOT_FOUND', field: ['id'], message: `${type} does not exist` }],
  });
  // Articles and pages take `id` and an input named after their kind; an unknown id is NOT_FOUND once the scope allows writing.
  const update = (kind: 'article' | 'page') => (a: Obj, g: GqlContext) => {
    const r = find(g, kind, a['id']);
    return r
      ? wrote(g, kind, write(g, kind, a[kind] as Obj, kind, r))
      : (requireScope(g, 'write_content', `${kind}Update`), missing(kind, TYPE[kind]));
  };
  const deleted = (key: string, d: { deleted: string | null; userErrors: UserError[] }) => ({
    [key]: d.deleted,
    userErrors: d.userErrors,
  });
  return {
    blog: (a, g) => one(g, 'blog', a['id'], 'blog'),
    blogs: (a, g) => list(g, 'blog', a, 'blogs'),
    article: (a, g) => one(g, 'article', a['id'], 'article'),
    articles: (a, g) => list(g, 'article', a, 'articles'),
    page: (a, g) => one(g, 'page', a['id'], 'page'),
    pages: (a, g) => list(g, 'page', a, 'pages'),
    product: (a, g) => one(g, 'product', a['id'], 'product'),
    products: (a, g) => list(g, 'product', a, 'products'),

    blogCreate: (a, g) => wrote(g, 'blog', write(g, 'blog', a['blog'] as Obj, 'blog')),
    articleCreate: (a, g) => wrote(g, 'article', write(g, 'article', a['article'] as Obj, 'article')),
    articleUpdate: update('article'),
    articleDelete: (a, g) => deleted('deletedArticleId', remove(g, 'article', a['id'])),
    pageCreate: (a, g) => wrote(g, 'page', write(g, 'page', a['page'] as Obj, 'page')),
    pageUpdate: update('page'),
    pageDelete: (a, g) => deleted('deletedPageId', remove(g, 'page', a['id'])),
    productCreate: (a, g) => wrote(g, 'product', write(g, 'product', a['product'] as Obj, 'product')),
    productUpdate: (a, g) => {
      const input = a['product'] as Obj;
      const r = find(g, 'product', input['id']);
      return r
        ? wrote(g, 'product', write(g, 'product', input, 'product', r))
        : (requireScope(g, 'write_products', 'productUpdate'), missing('product', 'Product'));
    },
    productDelete: (a, g) => {
      const d = remove(g, 'product', (a['input'] as Obj)['id']);
      return {
        deletedProductId: d.deleted,
        userErrors: d.userErrors.map(({ field, message }) => ({ field, message })),
      };
    },
  };
}
