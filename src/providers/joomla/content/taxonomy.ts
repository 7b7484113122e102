/**
 * Categories and tags by name (cms.md §3.2): an article has one category (the first name) and
 * any number of tags. Names are found through each tree's list (`filter[search]`, matched on the
 * whole title ignoring case) and created when missing; category titles are looked up by id for
 * reading. One cache per ContentContext keeps a job from asking twice.
 */
import type { ContentContext } from '../../contracts/content.ts';
import { joomla } from './request.ts';

type Tree = 'categories' | 'tags';
const PATH: Record<Tree, string> = { categories: '/content/categories', tags: '/tags' };

interface NodeJson {
  id: string;
  attributes: { id: number; title: string; alias: string; published: number };
}

interface Cache {
  byName: Map<string, number>;
  byId: Map<number, string>;
}

const caches = new WeakMap<ContentContext, Record<Tree, Cache>>();

function cacheFor(s: ContentContext, tree: Tree): Cache {
  let c = caches.get(s);
  if (!c)
    caches.set(
      s,
      (c = { categories: { byName: new Map(), byId: new Map() }, tags: { byName: new Map(), byId: new Map() } }),
    );
  return c[tree];
}

async function lookup(s: ContentContext, tree: Tree, name: string): Promise<number | undefined> {
  const q = new URLSearchParams({ 'filter[search]': name, 'page[limit]': '100' });
  const res = await joomla<{ data?: NodeJson[] }>(s, 'GET', `${PATH[tree]}?${q.toString()}`);
  const found = (res.data ?? []).filter((n) => n.attributes.title.toLowerCase() === name.toLowerCase());
  // A published one first; unpublished ones still hold the name.
  const best = found.find((n) => n.attributes.published === 1) ?? found[0];
  return best ? Number(best.id) : undefined;
}

async function create(s: ContentContext, tree: Tree, name: string): Promise<number> {
  const res = await joomla<{ data: NodeJson }>(s, 'POST', PATH[tree], {
    title: name,
    parent_id: 1,
    published: 1,
    language: '*',
  });
  return Number(res.data.id);
}

export async function idFor(s: ContentContext, tree: Tree, raw: string): Promise<number | undefined> {
  const name = raw.trim();
  if (!name) return undefined;
  const cache = cacheFor(s, tree);
  const key = name.toLowerCase();
  const id = cache.byName.get(key) ?? (await lookup(s, tree, name)) ?? (await create(s, tree, name));
  cache.byName.set(key, id);
  return id;
}

export async function tagIds(s: ContentContext, names: readonly string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const n of names) {
    const id = await idFor(s, 'tags', n);
    if (id !== undefined && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** The category for new articles without one: the install's "Uncategorised" (alias `uncategorised`), else the first listed. */
export async function defaultCategory(s: ContentContext): Promise<number> {
  const cache = cacheFor(s, 'categories');
  const known = cache.byName.get('\u0000default');
  if (known !== undefined) return known;
  const res = await joomla<{ data?: NodeJson[] }>(
    s,
    'GET',
    `${PATH.categories}?${new URLSearchParams({ 'filter[search]': 'uncategorised', 'page[limit]': '100' }).toString()}`,
  );
  let id = (res.data ?? []).find((n) => n.attributes.alias === 'uncategorised')?.id;
  if (id === undefined)
    id = (await joomla<{ data?: NodeJson[] }>(s, 'GET', `${PATH.categories}?page[limit]=1`)).data?.[0]?.id;
  const n = id === undefined ? await create(s, 'categories', 'Uncategorised') : Number(id);
  cache.byName.set('\u0000default', n);
  return n;
}

export async function categoryTitle(s: ContentContext, id: number): Promise<string | null> {
  if (!id) return null;
  const cache = cacheFor(s, 'categories');
  const known = cache.byId.get(id);
  if (known !== undefined) return known;
  try {
    const res = await joomla<{ data: NodeJson }>(s, 'GET', `${PATH.categories}/${id}`);
    cache.byId.set(id, res.data.attributes.title);
    return res.data.attributes.title;
  } catch {
    // A category the user cannot see (or one deleted since): the article keeps its id, Plexus shows none.
    return null;
  }
}
