/**
 * WordPress posts and pages through core REST (`wp/v2`, cms.md §1): taxonomy by name, featured
 * images uploaded once per site, `batch/v1` for bulk creates, polling by `modified_after`.
 *
 * Core has no conditional writes (cms.md §1.3), so `update` reads the post right before writing
 * and refuses when its version (modified_gmt plus a digest of the mapped values) is not the one
 * the engine last read. The window between that read and the write remains; WordPress offers
 * nothing narrower.
 */
import { plexusError } from '../../core/errors.ts';
import {
  CONTENT_FIELDS,
  type ContentAdapter,
  type ContentContext,
  type ContentKind,
  type RemoteContent,
} from '../contracts/content.ts';
import { apiCall, apiGet, apiUrl } from '../kit/api-call.ts';
import { remoteChanged } from '../kit/version-guard.ts';
import { batchCreate, MAX_BATCH, type BatchResult } from './content/batch.ts';
import { changedSince } from './content/changes.ts';
import { collectionOf, modifiedAtOf, versionOf, type WpPostJson } from './content/mapping.ts';
import {
  lostFeaturedImage,
  prepareWrite,
  remoteOf,
  remotesOf,
  reuploadFeatured,
  type PreparedWrite,
} from './content/resolve.ts';
import { wpErrorCode } from './errors.ts';

async function getPost(s: ContentContext, kind: ContentKind, id: string): Promise<WpPostJson | null> {
  if (!/^\d+$/.test(id)) return null;
  try {
    const res = await apiGet(s.connector, s.ctx, s.creds, `${collectionOf(kind)}/${id}?context=edit`);
    return res.body as WpPostJson;
  } catch (err) {
    // Only "no such post" means gone; a missing route or an HTML 404 is a broken site, not a deletion.
    if (wpErrorCode(err) === 'rest_post_invalid_id') return null;
    throw err;
  }
}

async function writePost(
  s: ContentContext,
  kind: ContentKind,
  id: number,
  body: Record<string, unknown>,
): Promise<WpPostJson> {
  const res = await apiCall(s.connector, s.ctx, s.creds, {
    method: 'POST',
    url: apiUrl(s.ctx, `${collectionOf(kind)}/${id}`),
    json: body,
  });
  return res.body as WpPostJson;
}

/** Sets the image again when the remembered attachment no longer exists on the site. */
async function keepFeatured(
  s: ContentContext,
  kind: ContentKind,
  prepared: PreparedWrite,
  post: WpPostJson,
): Promise<WpPostJson> {
  if (!lostFeaturedImage(prepared, post)) return post;
  return writePost(s, kind, post.id, { featured_media: await reuploadFeatured(s, prepared) });
}

function batchError(offset: number, created: readonly RemoteContent[], result: BatchResult): Error {
  const first = result.failures[0]!;
  const made = [
    ...created.map((c, i) => ({ index: i, remoteId: c.remoteId })),
    ...result.posts.flatMap((p, i) => (p ? [{ index: offset + i, remoteId: String(p.id) }] : [])),
  ];
  return plexusError(first.error.code, {
    message: `WordPress refused item ${offset + first.index + 1} of the batch: ${first.error.message}`,
    details: {
      created: made,
      failed: result.failures.map((f) => ({
        index: offset + f.index,
        code: f.error.code,
        message: f.error.message,
        platform: f.error.details,
      })),
    },
    ...(first.error.retryAfterMs === undefined ? {} : { retryAfterMs: first.error.retryAfterMs }),
  });
}

export const wordpressContent: ContentAdapter = {
  kinds: ['post', 'page'],
  // Core pages have no categories, tags or excerpt (the page type does not support them).
  fields: (kind) =>
    kind === 'page' ? ['title', 'bodyHtml', 'slug', 'status', 'featuredMedia', 'author'] : CONTENT_FIELDS,
  bulkSize: MAX_BATCH,

  async locate(_s, kind) {
    collectionOf(kind);
    return { kind, collection: null };
  },

  async create(s, loc, fields) {
    const prepared = await prepareWrite(s, loc.kind, fields);
    const res = await apiCall(s.connector, s.ctx, s.creds, {
      method: 'POST',
      url: apiUrl(s.ctx, collectionOf(loc.kind)),
      json: prepared.body,
    });
    return remoteOf(s, await keepFeatured(s, loc.kind, prepared, res.body as WpPostJson));
  },

  async createMany(s, loc, items) {
    const out: RemoteContent[] = [];
    for (let offset = 0; offset < items.length; offset += MAX_BATCH) {
      const prepared: PreparedWrite[] = [];
      // Terms and images first, one at a time: they are shared between items and must exist once.
      for (const f of items.slice(offset, offset + MAX_BATCH)) prepared.push(await prepareWrite(s, loc.kind, f));
      const result = await batchCreate(
        s,
        collectionOf(loc.kind),
        prepared.map((p) => p.body),
      );
      if (result.failures.length) throw batchError(offset, out, result);
      const posts: WpPostJson[] = [];
      for (const [i, post] of result.posts.entries()) posts.push(await keepFeatured(s, loc.kind, prepared[i]!, post!));
      out.push(...(await remotesOf(s, posts)));
    }
    return out;
  },

  async read(s, loc, remoteId) {
    const post = await getPost(s, loc.kind, remoteId);
    return post ? remoteOf(s, post) : null;
  },

  async update(s, loc, remoteId, changes, expectedVersion) {
    const current = await getPost(s, loc.kind, remoteId);
    if (!current)
      throw plexusError('provider.not_found', {
        message: `WordPress has no ${loc.kind} ${remoteId}.`,
        details: { remoteId },
      });
    const actual = versionOf(current);
    if (actual !== expectedVersion) throw remoteChanged(remoteId, expectedVersion, actual, modifiedAtOf(current));
    const prepared = await prepareWrite(s, loc.kind, changes);
    if (!Object.keys(prepared.body).length) return remoteOf(s, current);
    const post = await writePost(s, loc.kind, current.id, prepared.body);
    return remoteOf(s, await keepFeatured(s, loc.kind, prepared, post));
  },

  async remove(s, loc, remoteId) {
    if (!/^\d+$/.test(remoteId)) return;
    try {
      // To the trash, as wp-admin does: recoverable by an editor, and read back as `trashed`.
      await apiCall(s.connector, s.ctx, s.creds, {
        method: 'DELETE',
        url: apiUrl(s.ctx, `${collectionOf(loc.kind)}/${remoteId}`),
      });
    } catch (err) {
      const code = wpErrorCode(err);
      if (code === 'rest_already_trashed' || code === 'rest_post_invalid_id') return;
      // EMPTY_TRASH_DAYS=0: the site keeps no trash, so deleting is permanent anyway.
      if (code === 'rest_trash_not_supported') {
        await apiCall(s.connector, s.ctx, s.creds, {
          method: 'DELETE',
          url: apiUrl(s.ctx, `${collectionOf(loc.kind)}/${remoteId}?force=true`),
        });
        return;
      }
      throw err;
    }
  },

  async findBySlug(s, loc, slug) {
    // `status=any` covers drafts and scheduled posts; trashed ones carry a `__trashed` slug suffix.
    const q = new URLSearchParams({ slug, status: 'any', context: 'edit', per_page: '10' });
    const res = await apiGet(s.connector, s.ctx, s.creds, `${collectionOf(loc.kind)}?${q.toString()}`);
    const posts = Array.isArray(res.body) ? (res.body as WpPostJson[]) : [];
    const post = posts.find((p) => p.slug === slug) ?? posts[0];
    return post ? remoteOf(s, post) : null;
  },

  changedSince,
};
