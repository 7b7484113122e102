/**
 * Shopify content through the GraphQL Admin API: blog articles (in the shop's first blog, or the
 * `blogId` in the connection config), pages and products. Shopify has no conditional write, so an
 * update reads the item right before writing and refuses when its version moved; the window
 * between that read and the mutation stays open. There is no bulk create mutation for content:
 * a batch of creates goes as one document of aliased mutations, paced by the shop's query-cost
 * budget (10 points each). A full
 * read goes through a bulk operation (one JSONL file instead of hundreds of pages); a read of
 * recent changes pages through `updated_at:>…` queries.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { plexusError } from '../../core/errors.ts';
import type {
  ChangesPage,
  ContentAdapter,
  ContentContext,
  ContentFields,
  ContentKind,
  RemoteContent,
  TargetLocation,
} from '../contracts/content.ts';
import { decodeCursor, encodeCursor } from '../kit/cursor-codec.ts';
import { classifyHttp } from '../kit/errors.ts';
import { unmoved } from '../kit/version-guard.ts';
import { fromShopify, imageId, RESOURCE, toInput, type Raw, type ShopResource } from './content/mapping.ts';
import { numericId, toGid } from './gid.ts';
import { payload, shopifyGraphql, type Caller } from './graphql-call.ts';
import { uploadImage } from './content/media.ts';
import { BLOG_CREATE, BULK_POLL, BULK_RUN, FIRST_BLOG, RESOURCE_OPS } from './operations.ts';

/** Creates sent in one request (aliased mutations, 10 points each). */
const CREATES_PER_CALL = 10;
/** Items of a bulk result handed to the engine per page. */
const BULK_PAGE = 250;
const BULK_POLLS = 20;
const BULK_POLL_WAIT_MS = 1000;

function resourceOf(kind: ContentKind): ShopResource {
  const r = RESOURCE[kind];
  if (!r) throw plexusError('unprocessable', { message: `Shopify takes posts, pages and products, not ${kind}s.` });
  return r;
}

const caller = (s: ContentContext): Caller => ({ connector: s.connector, ctx: s.ctx, creds: s.creds });

/** The search filter scoping a kind to its place: articles to their blog. */
function scope(loc: TargetLocation): string {
  if (resourceOf(loc.kind) !== 'article') return '';
  if (!loc.collection) throw plexusError('unprocessable', { message: 'A Shopify post needs the blog it belongs to.' });
  return `blog_id:${numericId(loc.collection)}`;
}

async function readOne(s: ContentContext, loc: TargetLocation, id: string): Promise<RemoteContent | null> {
  const r = resourceOf(loc.kind);
  const ops = RESOURCE_OPS[r];
  const data = await shopifyGraphql<Record<string, Raw | null>>(caller(s), ops.get, { id: toGid(ops.type, id) });
  const raw = data[r];
  return raw ? fromShopify(s, r, raw) : null;
}

/** The article `image` for a featured image: uploaded the first time a site gets it, then its CDN URL. */
async function imageInput(
  s: ContentContext,
  featured: string | null,
): Promise<{ image: Raw | null; uploaded?: { sha: string; url: string } }> {
  if (featured === null) return { image: null };
  if (featured.startsWith('remote:')) return { image: { url: featured.slice('remote:'.length) } };
  const known = await s.mediaRemoteId(featured);
  if (known) return { image: { url: known } };
  const media = await s.media(featured);
  if (!media)
    throw plexusError('unprocessable', {
      message: `The featured image ${featured.slice(0, 12)}… is not held by Plexus.`,
    });
  const url = await uploadImage(caller(s), media.bytes, media.ref);
  return { image: { url, ...(media.ref.alt ? { altText: media.ref.alt } : {}) }, uploaded: { sha: featured, url } };
}

/** The mutation input for the fields, the featured image uploaded first when the site lacks it. */
async function inputOf(
  s: ContentContext,
  loc: TargetLocation,
  fields: Partial<ContentFields>,
  creating: boolean,
): Promise<Raw> {
  const r = resourceOf(loc.kind);
  const input = toInput(r, fields, creating);
  if (r === 'article' && creating) input.blogId = toGid('Blog', loc.collection ?? '');
  if (r === 'article' && fields.featuredMedia !== undefined && (!creating || fields.featuredMedia !== null)) {
    const img = await imageInput(s, fields.featuredMedia);
    input.image = img.image;
    if (img.uploaded) await s.rememberMedia(img.uploaded.sha, imageId(img.uploaded.url), img.uploaded.url);
  }
  return input;
}

async function landed(s: ContentContext, r: ShopResource, p: Record<string, Raw | null>): Promise<RemoteContent> {
  const raw = p[r];
  if (!raw) throw plexusError('provider.invalid_request', { message: `Shopify answered without the ${r}.` });
  return fromShopify(s, r, raw);
}

async function write(
  s: ContentContext,
  loc: TargetLocation,
  fields: Partial<ContentFields>,
  id?: string,
): Promise<RemoteContent> {
  const r = resourceOf(loc.kind);
  const ops = RESOURCE_OPS[r];
  const input = await inputOf(s, loc, fields, id === undefined);
  const gid = id === undefined ? undefined : toGid(ops.type, id);
  const vars = gid === undefined ? { input } : r === 'product' ? { input: { ...input, id: gid } } : { id: gid, input };
  const data = await shopifyGraphql(caller(s), gid === undefined ? ops.create : ops.update, vars);
  return landed(s, r, payload<Record<string, Raw | null>>(data, gid === undefined ? ops.keys.create : ops.keys.update));
}

/**
 * Several creates in one request. A userError on any of them fails the call as a whole (the
 * engine then looks each item up by handle and creates the missing ones alone); a THROTTLED
 * request ran none of them.
 */
async function createMany(s: ContentContext, loc: TargetLocation, items: ContentFields[]): Promise<RemoteContent[]> {
  const r = resourceOf(loc.kind);
  const ops = RESOURCE_OPS[r];
  const vars: Record<string, unknown> = {};
  for (const [k, f] of items.entries()) vars[`i${k}`] = await inputOf(s, loc, f, true);
  const data = await shopifyGraphql(caller(s), ops.createMany(items.length), vars);
  const made: RemoteContent[] = [];
  for (const k of items.keys()) made.push(await landed(s, r, payload<Record<string, Raw | null>>(data, `c${k}`)));
  return made;
}

interface Cursor {
  /** A bulk operation still running, or the JSONL file of a finished one and the line to go on from. */
  op?: string;
  url?: string | null;
  at?: number;
  /** Shopify's cursor of an incremental poll. */
  after?: string;
  /** Newest modified time seen on the pages before. */
  wm: string | null;
}

async function changes(
  s: ContentContext,
  r: ShopResource,
  raws: Raw[],
  since: string | null,
  wm: string | null,
): Promise<{ items: RemoteContent[]; wm: string | null }> {
  const items: RemoteContent[] = [];
  for (const raw of raws) {
    const item = await fromShopify(s, r, raw);
    if (since && Date.parse(item.modifiedAt) <= Date.parse(since)) continue;
    items.push(item);
    if (!wm || Date.parse(item.modifiedAt) > Date.parse(wm)) wm = item.modifiedAt;
  }
  return { items, wm };
}

/** A page of a full read: the bulk operation started or polled, then its JSONL read a slice at a time. */
async function bulkPage(s: ContentContext, loc: TargetLocation, c: Cursor | null): Promise<ChangesPage> {
  const r = resourceOf(loc.kind);
  let cur: Cursor = c ?? { wm: null };
  if (!cur.op && cur.url === undefined) {
    const started = payload<{ bulkOperation: { id: string } }>(
      await shopifyGraphql(caller(s), BULK_RUN, { query: RESOURCE_OPS[r].bulkQuery(scope(loc)) }),
      'bulkOperationRunQuery',
    );
    cur = { op: started.bulkOperation.id, wm: null };
  }
  if (cur.op) {
    for (let i = 0; ; i++) {
      const { node } = await shopifyGraphql<{
        node: { status?: string; errorCode?: string | null; url?: string | null } | null;
      }>(caller(s), BULK_POLL, { id: cur.op });
      if (node?.status === 'COMPLETED') {
        cur = { url: node.url ?? null, at: 0, wm: cur.wm };
        break;
      }
      if (!node || ['FAILED', 'CANCELED', 'EXPIRED'].includes(node.status ?? '')) {
        throw plexusError(
          node?.errorCode === 'INTERNAL_SERVER_ERROR' || node?.errorCode === 'TIMEOUT'
            ? 'provider.unavailable'
            : 'provider.invalid_request',
          {
            message: `Shopify bulk operation ${cur.op} ended ${node?.status ?? 'missing'}${node?.errorCode ? ` (${node.errorCode})` : ''}.`,
          },
        );
      }
      // Still running: the next call polls again, so a long export does not hold a worker.
      if (i + 1 >= BULK_POLLS) return { items: [], next: encodeCursor<Cursor>(cur), watermark: cur.wm };
      await sleep(BULK_POLL_WAIT_MS);
    }
  }
  // No objects: Shopify gives no file.
  if (!cur.url) return { items: [], next: null, watermark: cur.wm };
  const res = await s.ctx.http.send({ method: 'GET', url: cur.url, budget: { units: 0 } });
  const failed = classifyHttp(res);
  if (failed) throw failed;
  const lines = res.text.split('\n').filter((l) => l.trim() !== '');
  const at = cur.at ?? 0;
  const raws = lines
    .slice(at, at + BULK_PAGE)
    .map((l) => JSON.parse(l) as Raw)
    .filter((o) => o['__parentId'] === undefined);
  const { items, wm } = await changes(s, r, raws, null, cur.wm);
  const more = at + BULK_PAGE < lines.length;
  return { items, next: more ? encodeCursor<Cursor>({ url: cur.url, at: at + BULK_PAGE, wm }) : null, watermark: wm };
}

export const shopifyContent: ContentAdapter = {
  kinds: ['post', 'page', 'product'],
  // Articles carry the most; pages have no summary, tags, image or author; products no summary, image or author.
  fields: (kind) =>
    kind === 'page'
      ? ['title', 'bodyHtml', 'slug', 'status']
      : kind === 'product'
        ? ['title', 'bodyHtml', 'slug', 'status', 'categories', 'tags']
        : ['title', 'bodyHtml', 'excerpt', 'slug', 'status', 'tags', 'featuredMedia', 'author'],

  async locate(s, kind) {
    if (resourceOf(kind) !== 'article') return { kind, collection: null };
    if (s.ctx.config.blogId) return { kind, collection: toGid('Blog', s.ctx.config.blogId) };
    const data = await shopifyGraphql<{ blogs: { nodes: { id: string }[] } }>(caller(s), FIRST_BLOG);
    const first = data.blogs.nodes[0];
    if (first) return { kind, collection: first.id };
    // A shop without a blog gets the one Shopify itself starts shops with.
    const made = payload<{ blog: { id: string } }>(
      await shopifyGraphql(caller(s), BLOG_CREATE, { blog: { title: 'News' } }),
      'blogCreate',
    );
    return { kind, collection: made.blog.id };
  },

  create: (s, loc, fields) => write(s, loc, fields),

  bulkSize: CREATES_PER_CALL,
  createMany,

  read: readOne,

  async update(s, loc, remoteId, changes, expectedVersion) {
    unmoved(await readOne(s, loc, remoteId), (c) => c.version, remoteId, expectedVersion);
    return write(s, loc, changes, remoteId);
  },

  async remove(s, loc, remoteId) {
    const ops = RESOURCE_OPS[resourceOf(loc.kind)];
    const data = await shopifyGraphql(caller(s), ops.remove, { id: toGid(ops.type, remoteId) });
    try {
      payload(data, ops.keys.remove);
    } catch (err) {
      // Already gone is what a delete wants.
      if (!(err instanceof Error && 'code' in err && err.code === 'provider.not_found')) throw err;
    }
  },

  async findBySlug(s, loc, slug) {
    const r = resourceOf(loc.kind);
    const query = `${scope(loc)} handle:'${slug.replace(/'/g, "\\'")}'`.trim();
    const data = await shopifyGraphql<Record<string, { nodes: Raw[] }>>(caller(s), RESOURCE_OPS[r].find, { query });
    const raw = data[`${r}s`]?.nodes.find((n) => n.handle === slug);
    return raw ? fromShopify(s, r, raw) : null;
  },

  async changedSince(s, loc, since, cursor): Promise<ChangesPage> {
    const c = cursor ? decodeCursor<Cursor>(cursor) : null;
    if (since === null || c?.op || c?.url !== undefined) return bulkPage(s, loc, c);
    const r = resourceOf(loc.kind);
    // `updatedAt` has seconds and `updated_at:>` compares them: items of the watermark's own second are re-read and dropped below.
    const query = `${scope(loc)} updated_at:>='${since}'`.trim();
    const data = await shopifyGraphql<
      Record<string, { nodes: Raw[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }>
    >(caller(s), RESOURCE_OPS[r].poll, { query, ...(c?.after ? { after: c.after } : {}) });
    const conn = data[`${r}s`] ?? { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };
    const { items, wm } = await changes(s, r, conn.nodes, since, c ? c.wm : since);
    const next =
      conn.pageInfo.hasNextPage && conn.pageInfo.endCursor
        ? encodeCursor<Cursor>({ after: conn.pageInfo.endCursor, wm })
        : null;
    return { items, next, watermark: wm };
  },
};
