/**
 * Joomla articles through the Web Services API (cms.md §3): one category and tags by name,
 * polling newest-first by `a.modified`, removal as trash then delete.
 *
 * Concurrency: Joomla has no conditional writes, only the check-out lock (cms.md §3.3). The
 * article is read right before the PATCH and its version (the save counter `version`, the
 * modified second and a digest) compared with the one the engine last read; an article an
 * editor has open (checked out) refuses the PATCH, which is reported as retryable so the write
 * waits for them.
 */
import { plexusError } from '../../core/errors.ts';
import type { ContentAdapter, ContentContext } from '../contracts/content.ts';
import { remoteChanged } from '../kit/version-guard.ts';
import { changedSince } from './content/changes.ts';
import { modifiedAtOf, tagsOf, TRASHED, versionOf, type ArticleJson } from './content/mapping.ts';
import { joomla, statusOf } from './content/request.ts';
import { prepareWrite, remotesOf } from './content/resolve.ts';

const ARTICLES = '/content/articles';

async function getArticle(s: ContentContext, id: string): Promise<ArticleJson | null> {
  if (!/^\d+$/.test(id)) return null;
  try {
    return (await joomla<{ data: ArticleJson }>(s, 'GET', `${ARTICLES}/${id}`)).data;
  } catch (err) {
    if (statusOf(err) === 404) return null;
    throw err;
  }
}

async function remoteOf(s: ContentContext, a: ArticleJson) {
  return (await remotesOf(s, [a]))[0]!;
}

/**
 * `JLIB_APPLICATION_ERROR_CHECKOUT_FAILED`: a 400 whose only signal is its (translatable) title,
 * matched in English or as the untranslated language key.
 */
function isCheckedOut(err: unknown): boolean {
  return statusOf(err) === 400 && err instanceof Error && /check-out failed|CHECKOUT_FAILED/i.test(err.message);
}

async function patch(s: ContentContext, id: string, body: Record<string, unknown>): Promise<ArticleJson> {
  try {
    return (await joomla<{ data: ArticleJson }>(s, 'PATCH', `${ARTICLES}/${id}`, body)).data;
  } catch (err) {
    if (isCheckedOut(err)) {
      throw plexusError('provider.unavailable', {
        message: `Joomla article ${id} is checked out by another user (open in the editor); the write waits until it is checked in.`,
        retryAfterMs: 60_000,
        details: { remoteId: id, checkedOut: true },
      });
    }
    throw err;
  }
}

export const joomlaContent: ContentAdapter = {
  kinds: ['post'],
  // No upload in the content API: images are only referenced by path, so they are not synced.
  fields: ['title', 'bodyHtml', 'excerpt', 'slug', 'status', 'categories', 'tags', 'author'],

  async locate(_s, kind) {
    if (kind !== 'post')
      throw plexusError('validation_failed', {
        message: `Joomla has articles only; ${kind} content has no place there.`,
      });
    return { kind, collection: null };
  },

  async create(s, _loc, fields) {
    const body = { language: '*', ...(await prepareWrite(s, fields, true)) };
    const res = await joomla<{ data: ArticleJson }>(s, 'POST', ARTICLES, body);
    return remoteOf(s, res.data);
  },

  async read(s, _loc, remoteId) {
    const a = await getArticle(s, remoteId);
    return a ? remoteOf(s, a) : null;
  },

  async update(s, _loc, remoteId, changes, expectedVersion) {
    const current = await getArticle(s, remoteId);
    if (!current)
      throw plexusError('provider.not_found', { message: `Joomla has no article ${remoteId}.`, details: { remoteId } });
    const actual = versionOf(current);
    if (actual !== expectedVersion) throw remoteChanged(remoteId, expectedVersion, actual, modifiedAtOf(current));
    const body = await prepareWrite(s, changes, false);
    if (!Object.keys(body).length) return remoteOf(s, current);
    // Older 4.x releases clear the tags of a PATCH that leaves them out; sending them keeps them.
    body['tags'] ??= tagsOf(current).map((t) => t.id);
    return remoteOf(s, await patch(s, remoteId, body));
  },

  async remove(s, _loc, remoteId) {
    const a = await getArticle(s, remoteId);
    if (!a) return;
    // Only a trashed article can be deleted (409 otherwise): trash it first, as the admin does.
    if (a.attributes.state !== TRASHED) await patch(s, remoteId, { state: TRASHED });
    try {
      await joomla(s, 'DELETE', `${ARTICLES}/${remoteId}`);
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  },

  async findBySlug(s, _loc, slug) {
    if (!slug) return null;
    // The admin search matches title, alias and note; the alias must then match exactly.
    const q = new URLSearchParams({ 'filter[search]': slug, 'page[limit]': '100' });
    const res = await joomla<{ data?: ArticleJson[] }>(s, 'GET', `${ARTICLES}?${q.toString()}`);
    const a = (res.data ?? []).find((x) => x.attributes.alias === slug);
    return a ? remoteOf(s, (await getArticle(s, a.id)) ?? a) : null;
  },

  changedSince,
};
