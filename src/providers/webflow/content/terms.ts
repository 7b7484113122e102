/**
 * Categories and tags on Webflow are items of their own collections, referenced by id. Names
 * map to those items (case-insensitively); a missing one is created as a published item. The
 * index of a term collection is kept for a minute per process and reloaded when a name or id
 * is not in it, so terms added on the site are found.
 */
import { isPlexusError } from '../../../core/errors.ts';
import type { ContentContext } from '../../contracts/content.ts';
import { apiUrl } from '../../kit/api-call.ts';
import { wfCall } from '../call.ts';

interface Index {
  at: number;
  byName: Map<string, string>;
  byId: Map<string, string>;
}

const TTL_MS = 60_000;
const RELOAD_AFTER_MS = 5_000;
const PAGE = 100;
const indexes = new Map<string, Index>();

type Item = { id: string; fieldData: { name?: string; slug?: string } };

export function termSlug(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'term'
  );
}

async function load(s: ContentContext, cid: string): Promise<Index> {
  const index: Index = { at: Date.now(), byName: new Map(), byId: new Map() };
  for (let offset = 0; ; offset += PAGE) {
    const res = await wfCall(s, 'GET', `/collections/${cid}/items?limit=${PAGE}&offset=${offset}`);
    const body = res.body as { items?: Item[]; pagination?: { total?: number } };
    for (const it of body.items ?? []) {
      const name = it.fieldData.name ?? '';
      index.byId.set(it.id, name);
      if (!index.byName.has(name.toLowerCase())) index.byName.set(name.toLowerCase(), it.id);
    }
    if ((body.items?.length ?? 0) < PAGE || offset + PAGE >= (body.pagination?.total ?? 0)) break;
  }
  indexes.set(`${apiUrl(s.ctx, '/')}|${cid}`, index);
  return index;
}

/**
 * The index: `cached` while it is young, `fresh` reloads unless it was loaded moments ago (a
 * dangling id must not reload it on every read), `reload` always.
 */
async function indexOf(s: ContentContext, cid: string, mode: 'cached' | 'fresh' | 'reload'): Promise<Index> {
  const hit = indexes.get(`${apiUrl(s.ctx, '/')}|${cid}`);
  const age = hit ? Date.now() - hit.at : Infinity;
  const maxAge = mode === 'cached' ? TTL_MS : mode === 'fresh' ? RELOAD_AFTER_MS : -1;
  return hit && age < maxAge ? hit : load(s, cid);
}

/** Item ids for names, creating the terms the site lacks. */
export async function termIds(s: ContentContext, cid: string, names: readonly string[]): Promise<string[]> {
  let index = await indexOf(s, cid, 'cached');
  if (names.some((n) => !index.byName.has(n.toLowerCase()))) index = await indexOf(s, cid, 'fresh');
  const ids: string[] = [];
  for (const name of names) {
    let id = index.byName.get(name.toLowerCase());
    if (!id) {
      try {
        const res = await wfCall(s, 'POST', `/collections/${cid}/items/live`, {
          isArchived: false,
          isDraft: false,
          fieldData: { name, slug: termSlug(name) },
        });
        id = (res.body as Item).id;
        index.byId.set(id, name);
      } catch (err) {
        // The slug is taken by a term spelled differently (or just made on the site): use that one.
        if (!(isPlexusError(err) && (err.details as { status?: number } | undefined)?.status === 409)) throw err;
        index = await indexOf(s, cid, 'reload');
        id = [...index.byId.keys()].find((k) => termSlug(index.byId.get(k) ?? '') === termSlug(name));
        if (!id) throw err;
      }
      index.byName.set(name.toLowerCase(), id);
    }
    ids.push(id);
  }
  return ids;
}

/** Names for referenced ids; ids of deleted terms are dropped. */
export async function termNames(s: ContentContext, cid: string, ids: readonly string[]): Promise<string[]> {
  let index = await indexOf(s, cid, 'cached');
  if (ids.some((id) => !index.byId.has(id))) index = await indexOf(s, cid, 'fresh');
  return ids.flatMap((id) => (index.byId.has(id) ? [index.byId.get(id)!] : []));
}
