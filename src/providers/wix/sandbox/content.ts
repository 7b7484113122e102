/**
 * Wix content: Blog v3 (published posts, draft posts with a trash bin) and CMS Data Items v2
 * (insert, bulk insert, get, PUT = full replace, PATCH, DELETE, query in both wire forms; writes
 * checked against the collection's fields), seeded from seed + size.
 */
import { createHash } from 'node:crypto';
import { rngFor } from '../../../sandbox/kit/rng.ts';
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import { validationError, violations, type WixCollection } from './collections.ts';
import { queryBody, runQuery, wixError, type QueryInput } from './query.ts';
import type { WixEventType } from './webhooks.ts';
import { text } from '../../../sandbox/kit/text.ts';

/** Told about each change a Wix webhook would report, with the entity as the API renders it. */
export type ContentEvents = (eventType: WixEventType, entityId: string, entity: Record<string, unknown>) => void;

export interface WixDraft {
  id: string;
  title: string;
  excerpt: string;
  text: string;
  memberId: string;
  status: 'UNPUBLISHED' | 'PUBLISHED' | 'SCHEDULED' | 'DELETED';
  createdDate: number;
  editedDate: number;
  firstPublishedDate: number | null;
  lastPublishedDate: number | null;
  hasUnpublishedChanges: boolean;
  slug: string;
  featured: boolean;
  hashtags: string[];
  /** The published version; null while never published. */
  published: { title: string; excerpt: string; text: string } | null;
}

export interface WixData {
  drafts: Map<string, WixDraft>;
  /** collection id → item id → data */
  items: Map<string, Map<string, Record<string, unknown>>>;
}

export function wixId(...parts: (string | number)[]): string {
  const h = createHash('sha256').update(parts.join('|')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());
const dollarDate = (ms: number) => ({ $date: new Date(ms).toISOString() });
export const COLLECTION = 'Articles';

export function seedData(seed: number | string, size: number, now: number, memberId: string): WixData {
  const drafts = new Map<string, WixDraft>();
  const items = new Map<string, Map<string, Record<string, unknown>>>([[COLLECTION, new Map()]]);
  const words = ['wix', 'site', 'studio', 'blog', 'recipe', 'travel', 'photo', 'tips', 'design', 'launch', 'story'];
  for (let i = 0; i < size; i++) {
    const rng = rngFor(seed, 'wix', i);
    const title = Array.from({ length: rng.int(2, 5) }, () => rng.pick(words)).join(' ');
    const created = now - rng.int(86_400, 300 * 86_400) * 1000;
    const edited = Math.min(now, created + rng.int(0, 20 * 86_400) * 1000);
    if (i % 2 === 0) {
      const published = rng.chance(0.8);
      const id = wixId(String(seed), 'post', i);
      drafts.set(id, {
        id,
        title,
        excerpt: title,
        text: `${title}.`,
        memberId,
        status: published ? 'PUBLISHED' : 'UNPUBLISHED',
        createdDate: created,
        editedDate: edited,
        firstPublishedDate: published ? created : null,
        lastPublishedDate: published ? edited : null,
        hasUnpublishedChanges: false,
        slug: `${title.replace(/\s+/g, '-')}-${i}`,
        featured: rng.chance(0.1),
        hashtags: [],
        published: published ? { title, excerpt: title, text: `${title}.` } : null,
      });
    } else {
      const id = wixId(String(seed), 'item', i);
      items.get(COLLECTION)!.set(id, {
        _id: id,
        _createdDate: dollarDate(created),
        _updatedDate: dollarDate(edited),
        _ownerId: memberId,
        title,
        body: `${title}.`,
        slug: `${title.replace(/\s+/g, '-')}-${i}`,
      });
    }
  }
  return { drafts, items };
}

function richContent(text: string): Record<string, unknown> {
  return {
    nodes: [
      {
        type: 'PARAGRAPH',
        id: 'p1',
        nodes: [{ type: 'TEXT', id: '', nodes: [], textData: { text, decorations: [] } }],
        paragraphData: {},
      },
    ],
  };
}

/** The fields a published post and its draft render alike: who wrote it and the blog's defaults. */
function authoredFields(d: WixDraft): Record<string, unknown> {
  return {
    memberId: d.memberId,
    hashtags: d.hashtags,
    commentingEnabled: true,
    minutesToRead: 1,
    tagIds: [],
    relatedPostIds: [],
    pricingPlanIds: [],
    language: 'en',
  };
}

export function postOf(d: WixDraft, fieldsets: string[]): Record<string, unknown> {
  const p = d.published!;
  return {
    id: d.id,
    title: p.title,
    excerpt: p.excerpt,
    firstPublishedDate: iso(d.firstPublishedDate),
    lastPublishedDate: iso(d.lastPublishedDate),
    url: { base: 'https://sandbox.wixsite.com/blog', path: `/post/${d.slug}` },
    slug: d.slug,
    featured: d.featured,
    pinned: false,
    categoryIds: [],
    coverMedia: { enabled: false },
    ...authoredFields(d),
    preview: false,
    contentId: d.id,
    hasUnpublishedChanges: d.hasUnpublishedChanges,
    contentText: p.text,
    ...(fieldsets.includes('RICH_CONTENT') ? { richContent: richContent(p.text) } : {}),
  };
}

function draftOf(d: WixDraft, fieldsets: string[] = []): Record<string, unknown> {
  return {
    id: d.id,
    title: d.title,
    excerpt: d.excerpt,
    featured: d.featured,
    categoryIds: [],
    ...authoredFields(d),
    status: d.status,
    createdDate: iso(d.createdDate),
    editedDate: iso(d.editedDate),
    ...(d.firstPublishedDate === null ? {} : { firstPublishedDate: iso(d.firstPublishedDate) }),
    hasUnpublishedChanges: d.hasUnpublishedChanges,
    changeOrigin: 'MANUAL',
    contentId: d.id,
    seoSlug: d.slug,
    slugs: [d.slug],
    ...(fieldsets.includes('RICH_CONTENT') ? { richContent: richContent(d.text) } : {}),
  };
}

function textOf(rc: unknown): string | undefined {
  if (!rc || typeof rc !== 'object') return undefined;
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    const td = o['textData'] as Record<string, unknown> | undefined;
    if (typeof td?.['text'] === 'string') out.push(td['text']);
    if (Array.isArray(o['nodes'])) o['nodes'].forEach(walk);
  };
  walk(rc);
  return out.join('');
}

export function contentRoutes(
  r: Router,
  data: () => WixData,
  now: () => number,
  memberId: string,
  events: ContentEvents = () => undefined,
  schema: (collectionId: string) => WixCollection | undefined = () => undefined,
): void {
  const publishNow = (d: WixDraft) => publishWithEvent(d, now(), events);
  const qerr = (m: string) => wixError(400, m, 'INVALID_ARGUMENT');
  const fieldsetsOf = (req: SandboxRequest) => [
    ...req.url.searchParams.getAll('fieldsets'),
    ...(Array.isArray(req.body['fieldsets']) ? (req.body['fieldsets'] as string[]) : []),
  ];
  const publishedPosts = () =>
    [...data().drafts.values()].filter((d) => d.published !== null && d.status !== 'DELETED');

  const listPosts = (q: QueryInput, fieldsets: string[]): SandboxResponse => {
    const rows = publishedPosts().map((d) => postOf(d, fieldsets));
    const page = runQuery(
      rows,
      { sort: [{ fieldName: 'firstPublishedDate', order: 'DESC' }], ...q },
      { defaultLimit: 50, maxLimit: 100, withTotal: true },
    );
    return 'error' in page ? qerr(page.error) : json(200, { posts: page.items, pagingMetadata: page.pagingMetadata });
  };
  // The official SDK reads published posts at `/v3/posts` on the same host (docs/platforms/wix.md §SDK);
  // both paths serve the same posts.
  const listPublished = (req: SandboxRequest): SandboxResponse => {
    const sp = req.url.searchParams;
    const cursor = sp.get('paging.cursor');
    const limit = sp.get('paging.limit') === null ? undefined : Number(sp.get('paging.limit'));
    const q: QueryInput =
      cursor !== null
        ? { cursorPaging: { cursor, ...(limit === undefined ? {} : { limit }) } }
        : { paging: { ...(limit === undefined ? {} : { limit }), offset: Number(sp.get('paging.offset') ?? 0) } };
    return listPosts(q, fieldsetsOf(req));
  };
  const queryPublished = (req: SandboxRequest): SandboxResponse => {
    const b = queryBody(req);
    if (!b) return qerr('invalid query');
    return listPosts(b['query'] ?? {}, fieldsetsOf(req));
  };
  const onePublished = (req: SandboxRequest): SandboxResponse => {
    const d = data().drafts.get(req.params['id'] ?? '');
    if (!d || !d.published || d.status === 'DELETED') return wixError(404, 'Post not found', 'POST_NOT_FOUND');
    return json(200, { post: postOf(d, fieldsetsOf(req)) });
  };
  // The official SDK reads published posts at `/v3/posts` on the same host, the REST reference
  // at `/blog/v3/posts` (docs/platforms/wix.md §SDK): both serve the same posts.
  for (const base of ['/blog/v3/posts', '/v3/posts']) {
    r.add('GET', base, listPublished);
    r.add(['POST', 'GET'], `${base}/query`, queryPublished);
    r.add('GET', `${base}/:id`, onePublished);
  }

  r.add('POST', '/blog/v3/draft-posts', (req) => {
    const dp = req.body['draftPost'] as Record<string, unknown> | undefined;
    if (!dp || typeof dp['title'] !== 'string') return wixError(400, 'draftPost.title is required', 'INVALID_ARGUMENT');
    if (typeof dp['memberId'] !== 'string')
      return wixError(400, 'draftPost.memberId is required for third-party apps', 'INVALID_ARGUMENT');
    const t = now();
    const text = textOf(dp['richContent']) ?? '';
    const d: WixDraft = {
      id: wixId('draft', t, data().drafts.size),
      title: dp['title'],
      excerpt: typeof dp['excerpt'] === 'string' ? dp['excerpt'] : '',
      text,
      memberId: dp['memberId'],
      status: 'UNPUBLISHED',
      createdDate: t,
      editedDate: t,
      firstPublishedDate: null,
      lastPublishedDate: null,
      hasUnpublishedChanges: false,
      slug: dp['title'].toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      featured: dp['featured'] === true,
      hashtags: Array.isArray(dp['hashtags']) ? dp['hashtags'].map(String) : [],
      published: null,
    };
    data().drafts.set(d.id, d);
    if (req.body['publish'] === true) publishNow(d);
    return json(200, { draftPost: draftOf(d, fieldsetsOf(req)) });
  });
  r.add('GET', '/blog/v3/draft-posts/:id', (req) => {
    const d = data().drafts.get(req.params['id'] ?? '');
    return d
      ? json(200, { draftPost: draftOf(d, fieldsetsOf(req)) })
      : wixError(404, 'Draft post not found', 'DRAFT_POST_NOT_FOUND');
  });
  r.add('PATCH', '/blog/v3/draft-posts/:id', (req) => {
    const d = data().drafts.get(req.params['id'] ?? '');
    if (!d || d.status === 'DELETED') return wixError(404, 'Draft post not found', 'DRAFT_POST_NOT_FOUND');
    editDraft(d, (req.body['draftPost'] ?? {}) as Record<string, unknown>, now());
    if (req.body['action'] === 'UPDATE_PUBLISH' || req.body['action'] === 'UPDATE_AND_PUBLISH') publishNow(d);
    return json(200, { draftPost: draftOf(d, fieldsetsOf(req)) });
  });
  r.add('POST', '/blog/v3/draft-posts/:id/publish', (req) => {
    const d = data().drafts.get(req.params['id'] ?? '');
    if (!d || d.status === 'DELETED') return wixError(404, 'Draft post not found', 'DRAFT_POST_NOT_FOUND');
    publishNow(d);
    return json(200, { postId: d.id });
  });
  r.add('DELETE', '/blog/v3/draft-posts/:id', (req) => {
    const d = data().drafts.get(req.params['id'] ?? '');
    if (!d) return wixError(404, 'Draft post not found', 'DRAFT_POST_NOT_FOUND');
    const wasLive = d.published !== null && d.status !== 'DELETED';
    // Deleting moves the post to the trash bin unless permanent=true.
    if (req.query['permanent'] === 'true') data().drafts.delete(d.id);
    else {
      d.status = 'DELETED';
      d.editedDate = now();
    }
    if (wasLive) events('wix.blog.v3.post_deleted', d.id, postOf(d, []));
    return json(200, {});
  });
  r.add(['POST', 'GET'], '/blog/v3/draft-posts/query', (req) => {
    const b = queryBody(req);
    if (!b) return qerr('invalid query');
    const rows = [...data().drafts.values()].filter((d) => d.status !== 'DELETED').map((d) => draftOf(d));
    const page = runQuery(rows, (b['query'] ?? {}) as QueryInput, { defaultLimit: 50, maxLimit: 100, withTotal: true });
    return 'error' in page
      ? qerr(page.error)
      : json(200, { draftPosts: page.items, pagingMetadata: page.pagingMetadata });
  });

  // CMS Data Items
  const coll = (id: unknown) => (typeof id === 'string' ? data().items.get(id) : undefined);
  const noColl = (id: unknown) => wixError(404, `Collection ${String(id)} does not exist`, 'WDE0025');
  const itemOut = (collectionId: string, d: Record<string, unknown>) => ({
    id: d['_id'],
    dataCollectionId: collectionId,
    data: d,
  });
  r.add(['POST', 'GET'], '/wix-data/v2/items/query', (req) => {
    const b = queryBody(req);
    if (!b) return qerr('invalid query');
    const c = coll(b['dataCollectionId']);
    if (!c) return noColl(b['dataCollectionId']);
    const page = runQuery([...c.values()], (b['query'] ?? {}) as QueryInput, {
      defaultLimit: 50,
      maxLimit: 1000,
      withTotal: b['returnTotalCount'] === true,
    });
    return 'error' in page
      ? qerr(page.error)
      : json(200, {
          dataItems: page.items.map((d) => itemOut(String(b['dataCollectionId']), d)),
          pagingMetadata: page.pagingMetadata,
        });
  });
  r.add('POST', '/wix-data/v2/items', (req) => {
    const c = coll(req.body['dataCollectionId']);
    if (!c) return noColl(req.body['dataCollectionId']);
    const item = (req.body['dataItem'] ?? {}) as Record<string, unknown>;
    const made = insert(String(req.body['dataCollectionId']), c, item);
    return 'error' in made ? made.error : json(200, { dataItem: made.item });
  });
  function insert(
    collectionId: string,
    c: Map<string, Record<string, unknown>>,
    item: Record<string, unknown>,
  ): { item: Record<string, unknown> } | { error: SandboxResponse } {
    const fields = (item['data'] ?? {}) as Record<string, unknown>;
    const bad = violations(schema(collectionId), fields);
    if (bad.length) return { error: validationError(bad) };
    const id =
      typeof item['id'] === 'string'
        ? item['id']
        : typeof fields['_id'] === 'string'
          ? fields['_id']
          : wixId('item', now(), c.size);
    if (c.has(id)) return { error: wixError(409, `Item already exists: ${id}`, 'WDE0074') };
    const t = dollarDate(now());
    const d = { ...fields, _id: id, _createdDate: t, _updatedDate: t, _ownerId: memberId };
    c.set(id, d);
    events('wix.data.v2.data_item_created', id, itemOut(collectionId, d));
    return { item: itemOut(collectionId, d) };
  }
  // Bulk insert: each item succeeds or fails on its own; results keep the input order.
  r.add('POST', '/wix-data/v2/bulk/items/insert', (req) => {
    const collectionId = text(req.body['dataCollectionId']);
    const c = coll(collectionId);
    if (!c) return noColl(collectionId);
    const items = req.body['dataItems'];
    if (!Array.isArray(items) || items.length === 0 || items.length > 1000)
      return wixError(400, 'dataItems must hold 1 to 1000 items', 'INVALID_ARGUMENT');
    const results = (items as Record<string, unknown>[]).map((it, originalIndex) => {
      const made = insert(collectionId, c, it ?? {});
      if ('error' in made) {
        const b = made.error.body as { message: string; details: unknown };
        return {
          action: 'INSERT',
          itemMetadata: {
            originalIndex,
            success: false,
            error: { code: made.error.status === 409 ? 'WDE0074' : 'WDE0075', description: b.message, data: b.details },
          },
        };
      }
      return {
        action: 'INSERT',
        itemMetadata: { id: made.item['id'], originalIndex, success: true },
        ...(req.body['returnEntity'] === false ? {} : { dataItem: made.item }),
      };
    });
    const ok = results.filter((x) => x.itemMetadata.success).length;
    return json(200, {
      results,
      bulkActionMetadata: { totalSuccesses: ok, totalFailures: results.length - ok, undetailedFailures: 0 },
    });
  });
  r.add('GET', '/wix-data/v2/items/:id', (req) => {
    const c = coll(req.query['dataCollectionId']);
    if (!c) return noColl(req.query['dataCollectionId']);
    const d = c.get(req.params['id'] ?? '');
    return d
      ? json(200, { dataItem: itemOut(String(req.query['dataCollectionId']), d) })
      : wixError(404, `Item ${req.params['id']} not found`, 'WDE0073');
  });
  /** PUT replaces the whole item, PATCH merges; system fields sent back (the SDK does) are ignored. */
  const writeItem = (
    method: 'PUT' | 'PATCH',
    collectionId: unknown,
    id: string,
    item: Record<string, unknown>,
  ): SandboxResponse => {
    const c = coll(collectionId);
    if (!c) return noColl(collectionId);
    const old = c.get(id);
    if (!old) return wixError(404, `Item ${id} not found`, 'WDE0073');
    const given = (item['data'] ?? item['fieldModifications'] ?? {}) as Record<string, unknown>;
    const fields = Object.fromEntries(Object.entries(given).filter(([k]) => !k.startsWith('_')));
    const bad = violations(schema(String(collectionId)), fields, method === 'PATCH');
    if (bad.length) return validationError(bad);
    const system = {
      _id: old['_id'],
      _createdDate: old['_createdDate'],
      _ownerId: old['_ownerId'],
      _updatedDate: dollarDate(now()),
    };
    // PUT replaces the whole item: fields left out are gone.
    const d = method === 'PUT' ? { ...fields, ...system } : { ...old, ...fields, ...system };
    c.set(String(old['_id']), d);
    events('wix.data.v2.data_item_updated', String(old['_id']), itemOut(String(collectionId), d));
    return json(200, { dataItem: itemOut(String(collectionId), d) });
  };
  for (const method of ['PUT', 'PATCH'] as const) {
    r.add(method, '/wix-data/v2/items/:id', (req) =>
      writeItem(
        method,
        req.body['dataCollectionId'],
        req.params['id'] ?? '',
        (req.body['dataItem'] ?? req.body['dataItemPatch'] ?? {}) as Record<string, unknown>,
      ),
    );
  }
  // The official SDK's `items.update` (docs/platforms/wix.md §SDK): POST …/items/update with the id
  // inside `dataItem`, the same full replace as the documented PUT.
  r.add('POST', '/wix-data/v2/items/update', (req) => {
    const item = (req.body['dataItem'] ?? {}) as Record<string, unknown>;
    const id = text(item['id'] ?? (item['data'] as Record<string, unknown> | undefined)?.['_id']);
    return writeItem('PUT', req.body['dataCollectionId'], id, item);
  });
  r.add('DELETE', '/wix-data/v2/items/:id', (req) => {
    const c = coll(req.query['dataCollectionId']);
    if (!c) return noColl(req.query['dataCollectionId']);
    const d = c.get(req.params['id'] ?? '');
    if (!d) return wixError(404, `Item ${req.params['id']} not found`, 'WDE0073');
    c.delete(String(d['_id']));
    events('wix.data.v2.data_item_deleted', String(d['_id']), itemOut(String(req.query['dataCollectionId']), d));
    return json(200, { dataItem: itemOut(String(req.query['dataCollectionId']), d) });
  });
}

export function editDraft(d: WixDraft, patch: Record<string, unknown>, t: number): void {
  if (typeof patch['title'] === 'string') d.title = patch['title'];
  if (typeof patch['excerpt'] === 'string') d.excerpt = patch['excerpt'];
  const text = textOf(patch['richContent']);
  if (text !== undefined) d.text = text;
  if (typeof patch['featured'] === 'boolean') d.featured = patch['featured'];
  d.editedDate = t;
  if (d.published) d.hasUnpublishedChanges = true;
}

/** Publishes and reports `post_created` the first time, `post_updated` after that. */
export function publishWithEvent(d: WixDraft, t: number, events: ContentEvents): void {
  const first = d.published === null;
  publish(d, t);
  events(first ? 'wix.blog.v3.post_created' : 'wix.blog.v3.post_updated', d.id, postOf(d, []));
}

export function publish(d: WixDraft, t: number): void {
  d.published = { title: d.title, excerpt: d.excerpt, text: d.text };
  d.status = 'PUBLISHED';
  d.firstPublishedDate ??= t;
  d.lastPublishedDate = t;
  d.hasUnpublishedChanges = false;
}
