/**
 * com_content articles over the Web Services API: JSON:API-shaped responses (string links,
 * `meta.total-pages`, `text` = introtext + " " + fulltext, tags as id → title), plain-JSON request
 * bodies, `page[offset]`/`page[limit]` (default 20), filters and `list[ordering]`, PATCH as a
 * partial save that checks the article out (refused while another user has it checked out),
 * bumps `modified` and `version` and checks it in again, and DELETE only for trashed (state −2)
 * articles.
 */
import { rngFor } from '../../../sandbox/kit/rng.ts';
import type { Router, SandboxRequest } from '../../../sandbox/kit/server.ts';
import type { JoomlaUser } from './auth.ts';
import { API_CT, dbDate, jerror, listPage } from './jsonapi.ts';
import { urlSafe, type JoomlaNode } from './taxonomy.ts';

export interface JoomlaArticle {
  id: number;
  assetId: number;
  title: string;
  alias: string;
  introtext: string;
  fulltext: string;
  state: number;
  catid: number;
  created: number;
  createdBy: number;
  modified: number;
  modifiedBy: number;
  version: number;
  featured: number;
  access: number;
  language: string;
  publishUp: number | null;
  publishDown: number | null;
  hits: number;
  metakey: string;
  metadesc: string;
  note: string;
  tags: number[];
  /** `images` JSON: image_intro, image_fulltext and their alt/caption/float. */
  images: Record<string, string>;
  /** User id holding the check-out lock (0: none). */
  checkedOut: number;
}

export interface JoomlaCtx {
  baseUrl: string;
  now(): number;
  articles: Map<number, JoomlaArticle>;
  nextId: number;
  users: JoomlaUser[];
  categories: Map<number, JoomlaNode>;
  nextCategoryId: number;
  tags: Map<number, JoomlaNode>;
  nextTagId: number;
}

const IMAGE_KEYS = [
  'image_intro',
  'image_intro_alt',
  'float_intro',
  'image_intro_caption',
  'image_fulltext',
  'image_fulltext_alt',
  'float_fulltext',
  'image_fulltext_caption',
];

const WORDS = [
  'joomla',
  'extension',
  'template',
  'news',
  'community',
  'release',
  'article',
  'tutorial',
  'menu',
  'module',
  'event',
  'update',
];

/** A new unpublished, uncategorised article as the table's defaults make it, created (and last modified) by `author` at `at`. */
function newArticle(id: number, title: string, alias: string, author: number, at: number): JoomlaArticle {
  return {
    id,
    assetId: 100 + id,
    title,
    alias,
    introtext: '',
    fulltext: '',
    state: 0,
    catid: 0,
    created: at,
    createdBy: author,
    modified: at,
    modifiedBy: author,
    version: 0,
    featured: 0,
    access: 1,
    language: '*',
    publishUp: at,
    publishDown: null,
    hits: 0,
    metakey: '',
    metadesc: '',
    note: '',
    tags: [],
    images: {},
    checkedOut: 0,
  };
}

export function seedArticles(
  seed: number | string,
  size: number,
  now: number,
  authorIds: number[],
): Pick<JoomlaCtx, 'articles' | 'nextId'> {
  const articles = new Map<number, JoomlaArticle>();
  for (let i = 0; i < size; i++) {
    const rng = rngFor(seed, 'joomla-article', i);
    const id = i + 1;
    const title = Array.from({ length: rng.int(2, 5) }, () => rng.pick(WORDS)).join(' ');
    const created = Math.floor((now - rng.int(86_400, 365 * 86_400) * 1000) / 1000) * 1000;
    const version = rng.int(1, 5);
    const modified = Math.min(Math.floor(now / 1000) * 1000, created + (version - 1) * rng.int(60, 15 * 86_400) * 1000);
    const roll = rng.next();
    const author = rng.pick(authorIds);
    articles.set(id, {
      ...newArticle(
        id,
        title[0]!.toUpperCase() + title.slice(1),
        `${title.replace(/\s+/g, '-')}-${id}`,
        author,
        created,
      ),
      introtext: `<p>${title}.</p>`,
      fulltext: rng.chance(0.3) ? `<p>More about ${title}.</p>` : '',
      state: roll < 0.8 ? 1 : roll < 0.9 ? 0 : roll < 0.95 ? 2 : -2,
      catid: rng.pick([2, 8, 9]),
      modified,
      version,
      featured: rng.chance(0.1) ? 1 : 0,
      hits: rng.int(0, 5000),
    });
  }
  return { articles, nextId: size + 1 };
}

/** Published tags of the article as the view renders them: id → title, or [] when there are none (an empty PHP array). */
function tagMap(ctx: JoomlaCtx, a: JoomlaArticle): Record<string, string> | [] {
  const live = a.tags.map((id) => ctx.tags.get(id)).filter((t): t is JoomlaNode => !!t && t.published === 1);
  return live.length ? Object.fromEntries(live.map((t) => [String(t.id), t.title])) : [];
}

function attributes(ctx: JoomlaCtx, a: JoomlaArticle, item: boolean): Record<string, unknown> {
  // JsonapiView::prepareItem joins the two halves with a space, whether or not there is a fulltext.
  const text = `${a.introtext} ${a.fulltext}`;
  const images = Object.fromEntries(IMAGE_KEYS.map((k) => [k, a.images[k] ?? '']));
  return {
    id: a.id,
    typeAlias: 'com_content.article',
    asset_id: a.assetId,
    title: a.title,
    text,
    tags: tagMap(ctx, a),
    language: a.language,
    state: a.state,
    category: a.catid,
    images,
    metakey: a.metakey,
    metadesc: a.metadesc,
    metadata: { robots: '', author: '', rights: '' },
    access: a.access,
    featured: a.featured,
    alias: a.alias,
    note: a.note,
    publish_up: a.publishUp === null ? null : dbDate(a.publishUp),
    publish_down: a.publishDown === null ? null : dbDate(a.publishDown),
    urls: {
      urla: '',
      urlatext: '',
      targeta: '',
      urlb: '',
      urlbtext: '',
      targetb: '',
      urlc: '',
      urlctext: '',
      targetc: '',
    },
    created: dbDate(a.created),
    created_by: a.createdBy,
    created_by_alias: '',
    modified: dbDate(a.modified),
    ...(item ? { modified_by: a.modifiedBy } : {}),
    hits: a.hits,
    version: a.version,
    featured_up: null,
    featured_down: null,
  };
}

function resource(ctx: JoomlaCtx, a: JoomlaArticle, item: boolean): Record<string, unknown> {
  const tags = tagMap(ctx, a);
  const relationships: Record<string, unknown> = {
    category: { data: { type: 'categories', id: String(a.catid) } },
    created_by: { data: { type: 'users', id: String(a.createdBy) } },
    tags: { data: Object.keys(tags).map((id) => ({ type: 'tags', id })) },
  };
  if (item) relationships['modified_by'] = { data: { type: 'users', id: String(a.modifiedBy) } };
  return { type: 'articles', id: String(a.id), attributes: attributes(ctx, a, item), relationships };
}

/** `InputFilter::clean($v, 'INT')`: the first integer in the value, else 0. */
function intOf(v: string): number {
  const m = /-?\d+/.exec(v);
  return m ? Number(m[0]) : 0;
}

function filterOf(req: SandboxRequest, name: string): string | undefined {
  return req.url.searchParams.get(`filter[${name}]`) ?? undefined;
}

export function articleRoutes(r: Router, ctx: JoomlaCtx, userOf: (req: SandboxRequest) => JoomlaUser): void {
  const base = '/v1/content/articles';
  const selfUrl = (req: SandboxRequest) => `${ctx.baseUrl}${req.url.pathname}${req.url.search}`;

  r.add('GET', base, (req) => {
    const sp = req.url.searchParams;
    const limit = Math.max(1, Number.parseInt(sp.get('page[limit]') ?? '20', 10) || 20);
    const offset = Math.max(0, Number.parseInt(sp.get('page[offset]') ?? '0', 10) || 0);
    const state = filterOf(req, 'state') ?? filterOf(req, 'published');
    const search = filterOf(req, 'search')?.toLowerCase();
    const cat = filterOf(req, 'category');
    const author = filterOf(req, 'author');
    const featured = filterOf(req, 'featured');
    const language = filterOf(req, 'language');
    const rows = [...ctx.articles.values()].filter(
      (a) =>
        // Without a state filter the admin model lists published and unpublished (not archived or
        // trashed); the controller cleans filter[state] as INT, so `*` or text means 0.
        (state === undefined ? a.state === 0 || a.state === 1 : a.state === intOf(state)) &&
        // The admin search: `id:`, `content:` prefixes, else title, alias or note.
        (!search ||
          (search.startsWith('id:')
            ? String(a.id) === search.slice(3).trim()
            : search.startsWith('content:')
              ? `${a.introtext} ${a.fulltext}`.toLowerCase().includes(search.slice(8).trim())
              : a.title.toLowerCase().includes(search) ||
                a.alias.includes(search) ||
                a.note.toLowerCase().includes(search))) &&
        (!cat || a.catid === Number(cat)) &&
        (!author || a.createdBy === Number(author)) &&
        (!featured || a.featured === Number(featured)) &&
        (!language || a.language === language),
    );
    const ordering = sp.get('list[ordering]') ?? 'a.id';
    const dir = (sp.get('list[direction]') ?? 'ASC').toUpperCase() === 'DESC' ? -1 : 1;
    const key = (a: JoomlaArticle): number | string =>
      ordering === 'a.modified'
        ? a.modified
        : ordering === 'a.created'
          ? a.created
          : ordering === 'a.title'
            ? a.title
            : ordering === 'a.hits'
              ? a.hits
              : ordering === 'a.publish_up'
                ? (a.publishUp ?? 0)
                : a.id;
    rows.sort((x, y) => {
      const kx = key(x);
      const ky = key(y);
      return (kx < ky ? -1 : kx > ky ? 1 : x.id - y.id) * dir;
    });
    return listPage(selfUrl(req), rows, offset, limit, (a) => resource(ctx, a, false));
  });

  r.add('GET', `${base}/:id`, (req) => {
    const a = ctx.articles.get(Number(req.params['id']));
    if (!a) return jerror(404, 'Resource not found');
    return {
      status: 200,
      headers: { 'content-type': API_CT },
      body: { links: { self: selfUrl(req) }, data: resource(ctx, a, true) },
    };
  });

  const validate = (b: Record<string, unknown>, creating: boolean): string[] => {
    const msgs: string[] = [];
    if ((creating || b['title'] !== undefined) && (typeof b['title'] !== 'string' || !b['title'].trim()))
      msgs.push('Field required: Title');
    if ((creating || b['catid'] !== undefined) && !(Number(b['catid']) > 0)) msgs.push('Field required: Category');
    else if (b['catid'] !== undefined && !ctx.categories.has(Number(b['catid']))) msgs.push('Invalid field:  Category');
    if (b['state'] !== undefined && ![-2, 0, 1, 2].includes(Number(b['state']))) msgs.push('Invalid field: Status');
    return msgs.slice(0, 3);
  };
  /** TagsHelper: ids as given; `#new#Title` finds a tag by title (ignoring case) or creates it under the root. */
  const tagIds = (raw: unknown[], user: JoomlaUser): number[] => {
    const ids: number[] = [];
    for (const v of raw) {
      const s = String(v);
      if (!s.startsWith('#new#')) {
        if (Number(s) > 0) ids.push(Number(s));
        continue;
      }
      const title = s.slice(5);
      let tag = [...ctx.tags.values()].find((t) => t.title.toLowerCase() === title.toLowerCase());
      if (!tag) {
        tag = {
          id: ctx.nextTagId++,
          title,
          alias: urlSafe(title),
          parentId: 1,
          published: 1,
          created: ctx.now(),
          createdBy: user.id,
          language: '*',
          note: '',
          description: '',
        };
        ctx.tags.set(tag.id, tag);
      }
      ids.push(tag.id);
    }
    return [...new Set(ids)];
  };
  const apply = (a: JoomlaArticle, b: Record<string, unknown>, user: JoomlaUser) => {
    if (typeof b['title'] === 'string') a.title = b['title'];
    if (typeof b['alias'] === 'string' && b['alias']) a.alias = urlSafe(b['alias']);
    if (b['catid'] !== undefined) a.catid = Number(b['catid']);
    if (typeof b['articletext'] === 'string') {
      const [intro, full] = b['articletext'].split(/<hr\s+id="system-readmore"\s*\/?>/i);
      a.introtext = intro ?? '';
      a.fulltext = full ?? '';
    }
    if (typeof b['introtext'] === 'string') a.introtext = b['introtext'];
    if (typeof b['fulltext'] === 'string') a.fulltext = b['fulltext'];
    if (b['state'] !== undefined) a.state = Number(b['state']);
    if (b['featured'] !== undefined) a.featured = Number(b['featured']);
    if (b['access'] !== undefined) a.access = Number(b['access']);
    if (typeof b['language'] === 'string') a.language = b['language'];
    if (typeof b['metadesc'] === 'string') a.metadesc = b['metadesc'];
    if (typeof b['metakey'] === 'string') a.metakey = b['metakey'];
    if (typeof b['note'] === 'string') a.note = b['note'];
    if (typeof b['publish_up'] === 'string')
      a.publishUp = Date.parse(`${b['publish_up'].replace(' ', 'T')}Z`) || a.publishUp;
    if (b['created_by'] !== undefined && ctx.users.some((u) => u.id === Number(b['created_by'])))
      a.createdBy = Number(b['created_by']);
    if (b['images'] && typeof b['images'] === 'object') {
      for (const k of IMAGE_KEYS)
        if (typeof (b['images'] as Record<string, unknown>)[k] === 'string')
          a.images[k] = (b['images'] as Record<string, string>)[k]!;
    }
    if (Array.isArray(b['tags'])) a.tags = tagIds(b['tags'], user);
    a.modified = Math.floor(ctx.now() / 1000) * 1000;
    a.modifiedBy = user.id;
    a.version += 1;
  };

  r.add('POST', base, (req) => {
    const user = userOf(req);
    const msgs = validate(req.body, true);
    if (msgs.length) return jerror(400, msgs.join('\n'));
    const t = Math.floor(ctx.now() / 1000) * 1000;
    const title = String(req.body['title']);
    const alias = title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const a = newArticle(ctx.nextId++, title, alias, user.id, t);
    apply(a, req.body, user);
    if ([...ctx.articles.values()].some((x) => x.alias === a.alias && x.catid === a.catid))
      return jerror(
        400,
        'Save failed with the following error: Another article from this category has the same alias (remember it may be a trashed item).',
      );
    ctx.articles.set(a.id, a);
    return {
      status: 200,
      headers: { 'content-type': API_CT },
      body: { links: { self: `${ctx.baseUrl}/api/index.php${base}/${a.id}` }, data: resource(ctx, a, true) },
    };
  });

  r.add('PATCH', `${base}/:id`, (req) => {
    const user = userOf(req);
    const a = ctx.articles.get(Number(req.params['id']));
    if (!a) return jerror(404, 'Resource not found');
    // ApiController::edit checks the article out before saving; another user's lock refuses the edit.
    if (a.checkedOut !== 0 && a.checkedOut !== user.id) {
      return jerror(
        400,
        'Check-out failed with the following error: The user checking out does not match the user who checked out the item.',
      );
    }
    const msgs = validate(req.body, false);
    if (msgs.length) return jerror(400, msgs.join('\n'));
    const next: JoomlaArticle = { ...a, tags: [...a.tags], images: { ...a.images } };
    apply(next, req.body, user);
    if ([...ctx.articles.values()].some((x) => x.id !== a.id && x.alias === next.alias && x.catid === next.catid)) {
      return jerror(
        400,
        'Save failed with the following error: Another article from this category has the same alias (remember it may be a trashed item).',
      );
    }
    Object.assign(a, next, { checkedOut: 0 });
    return {
      status: 200,
      headers: { 'content-type': API_CT },
      body: { links: { self: selfUrl(req) }, data: resource(ctx, a, true) },
    };
  });

  r.add('DELETE', `${base}/:id`, (req) => {
    const a = ctx.articles.get(Number(req.params['id']));
    if (!a) return jerror(404, 'Resource not found');
    if (a.state !== -2) {
      return {
        status: 409,
        headers: { 'content-type': API_CT },
        body: {
          status: 'Conflict',
          code: 409,
          message: 'Resource not in state that can be deleted, must be trashed before it can be deleted',
        },
      };
    }
    ctx.articles.delete(a.id);
    return { status: 204 };
  });
}
