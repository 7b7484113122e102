/**
 * Joomla's two nested-set trees as Web Services serves them: com_content categories
 * (`/v1/content/categories`) and com_tags (`/v1/tags`). Lists take `filter[search]` (title or
 * alias, ignoring case) and `filter[published]` with Joomla paging; create needs a title and an
 * alias unique under its parent (trashed items included), and answers with the item.
 */
import type { Router, SandboxRequest, SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { JoomlaUser } from './auth.ts';
import type { JoomlaCtx } from './articles.ts';
import { API_CT, dbDate, jerror, listPage } from './jsonapi.ts';

export interface JoomlaNode {
  id: number;
  title: string;
  alias: string;
  parentId: number;
  published: number;
  created: number;
  createdBy: number;
  language: string;
  note: string;
  description: string;
}

export type TreeName = 'categories' | 'tags';

const SEED_CATEGORIES: [number, string][] = [
  [2, 'Uncategorised'],
  [8, 'Blog'],
  [9, 'Help'],
];
const SEED_TAGS: [number, string][] = [
  [2, 'Joomla'],
  [3, 'Extensions'],
  [4, 'Templates'],
];

/** Joomla's `OutputFilter::stringURLSafe`: lower case, dashes for anything not alphanumeric. */
export function urlSafe(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function seedTrees(now: number): Pick<JoomlaCtx, 'categories' | 'tags' | 'nextCategoryId' | 'nextTagId'> {
  const node = (id: number, title: string): JoomlaNode => ({
    id,
    title,
    alias: urlSafe(title),
    parentId: 1,
    published: 1,
    created: now - 400 * 86_400_000,
    createdBy: 0,
    language: '*',
    note: '',
    description: '',
  });
  return {
    categories: new Map(SEED_CATEGORIES.map(([id, t]) => [id, node(id, t)])),
    tags: new Map(SEED_TAGS.map(([id, t]) => [id, node(id, t)])),
    nextCategoryId: 10,
    nextTagId: 5,
  };
}

function resource(tree: TreeName, n: JoomlaNode): Record<string, unknown> {
  const common = {
    id: n.id,
    title: n.title,
    alias: n.alias,
    note: n.note,
    published: n.published,
    access: 1,
    checked_out: null,
    checked_out_time: null,
    parent_id: n.parentId,
    level: 1,
    path: n.alias,
    language: n.language,
    description: n.description,
  };
  const attributes =
    tree === 'categories'
      ? {
          ...common,
          extension: 'com_content',
          created_user_id: n.createdBy,
          created_time: dbDate(n.created),
          modified_time: dbDate(n.created),
          count_published: 0,
        }
      : { ...common, created_user_id: n.createdBy, created_time: dbDate(n.created), modified_time: dbDate(n.created) };
  return { type: tree, id: String(n.id), attributes };
}

export function treeRoutes(r: Router, ctx: JoomlaCtx, userOf: (req: SandboxRequest) => JoomlaUser): void {
  const trees: [TreeName, string][] = [
    ['categories', '/v1/content/categories'],
    ['tags', '/v1/tags'],
  ];
  for (const [tree, base] of trees) {
    const nodes = () => (tree === 'categories' ? ctx.categories : ctx.tags);
    const selfUrl = (req: SandboxRequest) => `${ctx.baseUrl}${req.url.pathname}${req.url.search}`;

    r.add('GET', base, (req) => {
      const sp = req.url.searchParams;
      const limit = Math.max(1, Number.parseInt(sp.get('page[limit]') ?? '20', 10) || 20);
      const offset = Math.max(0, Number.parseInt(sp.get('page[offset]') ?? '0', 10) || 0);
      const search = sp.get('filter[search]')?.toLowerCase();
      const published = sp.get('filter[published]') ?? sp.get('filter[state]');
      const rows = [...nodes().values()].filter(
        (n) =>
          (published === null
            ? n.published === 0 || n.published === 1
            : published === '*'
              ? true
              : n.published === Number(published)) &&
          (!search || n.title.toLowerCase().includes(search) || n.alias.includes(search)),
      );
      rows.sort((a, b) => a.id - b.id);
      return listPage(selfUrl(req), rows, offset, limit, (n) => resource(tree, n));
    });

    r.add('GET', `${base}/:id`, (req) => {
      const n = nodes().get(Number(req.params['id']));
      return n
        ? {
            status: 200,
            headers: { 'content-type': API_CT },
            body: { links: { self: selfUrl(req) }, data: resource(tree, n) },
          }
        : jerror(404, 'Resource not found');
    });

    r.add('POST', base, (req): SandboxResponse => {
      const user = userOf(req);
      const b = req.body;
      if (typeof b['title'] !== 'string' || !b['title'].trim()) return jerror(400, 'Field required: Title');
      const title = b['title'].trim();
      const alias =
        urlSafe(typeof b['alias'] === 'string' && b['alias'] ? b['alias'] : title) ||
        dbDate(ctx.now()).replace(/\D/g, '-');
      const parentId = Number(b['parent_id'] ?? 1) || 1;
      if ([...nodes().values()].some((n) => n.parentId === parentId && n.alias === alias)) {
        const what =
          tree === 'categories'
            ? 'Another category with the same parent has the same alias'
            : 'Another Tag has the same alias';
        return jerror(400, `Save failed with the following error: ${what} (remember it may be a trashed item).`);
      }
      const id = tree === 'categories' ? ctx.nextCategoryId++ : ctx.nextTagId++;
      const n: JoomlaNode = {
        id,
        title,
        alias,
        parentId,
        published: b['published'] === undefined ? 1 : Number(b['published']),
        created: Math.floor(ctx.now() / 1000) * 1000,
        createdBy: user.id,
        language: typeof b['language'] === 'string' ? b['language'] : '*',
        note: typeof b['note'] === 'string' ? b['note'] : '',
        description: typeof b['description'] === 'string' ? b['description'] : '',
      };
      nodes().set(id, n);
      return {
        status: 200,
        headers: { 'content-type': API_CT },
        body: { links: { self: `${ctx.baseUrl}/api/index.php${base}/${id}` }, data: resource(tree, n) },
      };
    });
  }
}
