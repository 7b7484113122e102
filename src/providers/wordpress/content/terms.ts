/**
 * Categories and tags by name (cms.md §1.2): names Plexus holds become the site's term ids,
 * creating the missing ones, and ids read from posts become names again. WordPress treats
 * names case-insensitively when it refuses a duplicate, and stores them HTML-escaped, so
 * matching decodes and ignores case. One index per ContentContext keeps a job from asking twice.
 */
import type { ContentContext } from '../../contracts/content.ts';
import { apiCall, apiGet, apiUrl } from '../../kit/api-call.ts';
import { wpErrorCode, wpErrorData } from '../errors.ts';
import { decodeEntities } from './mapping.ts';

export type TaxonomyBase = 'categories' | 'tags';

interface WpTermJson {
  id: number;
  name: string;
  parent?: number;
}

class TermIndex {
  readonly byId = new Map<number, string>();
  readonly byName = new Map<string, number>();

  add(t: WpTermJson): void {
    const name = decodeEntities(t.name);
    this.byId.set(t.id, name);
    if (!this.byName.has(name.toLowerCase())) this.byName.set(name.toLowerCase(), t.id);
  }
}

const indexes = new WeakMap<ContentContext, Record<TaxonomyBase, TermIndex>>();

function indexFor(s: ContentContext, base: TaxonomyBase): TermIndex {
  let pair = indexes.get(s);
  if (!pair) {
    pair = { categories: new TermIndex(), tags: new TermIndex() };
    indexes.set(s, pair);
  }
  return pair[base];
}

async function list(s: ContentContext, base: TaxonomyBase, params: Record<string, string>): Promise<WpTermJson[]> {
  const q = new URLSearchParams({ per_page: '100', ...params });
  const res = await apiGet(s.connector, s.ctx, s.creds, `/${base}?${q.toString()}`);
  return Array.isArray(res.body) ? (res.body as WpTermJson[]) : [];
}

/** An existing term with this name: a top-level one first (where a create would collide), else any. */
async function lookup(s: ContentContext, base: TaxonomyBase, name: string): Promise<number | undefined> {
  const wanted = name.toLowerCase();
  const found = (await list(s, base, { search: name })).filter((t) => decodeEntities(t.name).toLowerCase() === wanted);
  const best = found.find((t) => !t.parent) ?? found[0];
  if (best) indexFor(s, base).add(best);
  return best?.id;
}

async function create(s: ContentContext, base: TaxonomyBase, name: string): Promise<number> {
  try {
    const res = await apiCall(s.connector, s.ctx, s.creds, {
      method: 'POST',
      url: apiUrl(s.ctx, `/${base}`),
      json: { name },
    });
    const t = res.body as WpTermJson;
    indexFor(s, base).add(t);
    return t.id;
  } catch (err) {
    // Created meanwhile, or only findable by the escaped name: WordPress names the existing term.
    if (wpErrorCode(err) === 'term_exists') {
      const named = wpErrorData(err)?.['term_id'];
      const id = Number.isInteger(Number(named)) && Number(named) > 0 ? Number(named) : await lookup(s, base, name);
      if (id !== undefined) return id;
    }
    throw err;
  }
}

/** Term ids for names, creating the missing terms. */
export async function termIds(s: ContentContext, base: TaxonomyBase, names: readonly string[]): Promise<number[]> {
  const index = indexFor(s, base);
  const ids: number[] = [];
  for (const raw of names) {
    const name = raw.trim();
    if (!name) continue;
    const id = index.byName.get(name.toLowerCase()) ?? (await lookup(s, base, name)) ?? (await create(s, base, name));
    index.byName.set(name.toLowerCase(), id);
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** Names for term ids, fetching the ones not yet known (100 per request). */
export async function termNames(s: ContentContext, base: TaxonomyBase, ids: readonly number[]): Promise<string[]> {
  const index = indexFor(s, base);
  const missing = [...new Set(ids.filter((id) => !index.byId.has(id)))];
  for (let i = 0; i < missing.length; i += 100) {
    const chunk = missing.slice(i, i + 100);
    for (const t of await list(s, base, { include: chunk.join(',') })) index.add(t);
  }
  // A term deleted since the post was read simply drops out, as WordPress drops it from the post.
  return ids.flatMap((id) => {
    const name = index.byId.get(id);
    return name === undefined ? [] : [name];
  });
}
