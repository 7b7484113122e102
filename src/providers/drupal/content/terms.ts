/**
 * Tags by name (`taxonomy_term--tags`, cms.md §2.2): names become term UUIDs, creating the
 * missing terms. Drupal allows two terms with one name and its entity queries ignore case, so
 * a name matches an existing term whatever its case and the oldest such term wins. One index
 * per ContentContext keeps a job from asking twice.
 */
import type { ContentContext } from '../../contracts/content.ts';
import { TERM_TYPE } from './mapping.ts';
import { jsonapi } from './request.ts';

interface TermJson {
  id: string;
  attributes: { name: string; drupal_internal__tid: number };
}

const indexes = new WeakMap<ContentContext, Map<string, string>>();

function indexFor(s: ContentContext): Map<string, string> {
  let index = indexes.get(s);
  if (!index) indexes.set(s, (index = new Map<string, string>()));
  return index;
}

async function lookup(s: ContentContext, name: string): Promise<string | undefined> {
  const q = new URLSearchParams({ 'filter[name]': name, sort: 'drupal_internal__tid', 'page[limit]': '50' });
  const res = await jsonapi<{ data?: TermJson[] }>(s, 'GET', `/taxonomy_term/tags?${q.toString()}`);
  return (res.data ?? []).find((t) => t.attributes.name.toLowerCase() === name.toLowerCase())?.id;
}

async function create(s: ContentContext, name: string): Promise<string> {
  const res = await jsonapi<{ data: TermJson }>(s, 'POST', '/taxonomy_term/tags', {
    data: { type: TERM_TYPE, attributes: { name } },
  });
  return res.data.id;
}

/** Term UUIDs for names, creating the missing terms. */
export async function tagIds(s: ContentContext, names: readonly string[]): Promise<string[]> {
  const index = indexFor(s);
  const ids: string[] = [];
  for (const raw of names) {
    const name = raw.trim();
    if (!name) continue;
    const key = name.toLowerCase();
    const id = index.get(key) ?? (await lookup(s, name)) ?? (await create(s, name));
    index.set(key, id);
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** Names of the node's tags from the document's `included` terms (dangling `missing` references drop out). */
export function tagNames(
  ids: readonly { type: string; id: string }[],
  included: readonly { type: string; id: string; attributes?: { name?: string } }[],
): string[] {
  const names = new Map(included.filter((r) => r.type === TERM_TYPE).map((r) => [r.id, r.attributes?.name ?? '']));
  return ids.flatMap((d) => (d.type === TERM_TYPE && names.has(d.id) ? [names.get(d.id)!] : []));
}
