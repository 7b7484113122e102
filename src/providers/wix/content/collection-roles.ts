/**
 * Which field of a Wix CMS collection holds which unified field, from the collection's schema
 * (`GET /wix-data/v2/collections`): `title`, a `slug` text field, the RICH_TEXT body (HTML), a
 * summary/excerpt text, a BOOLEAN publish flag, string-array (CMS "Tags" type) categories and
 * tags, an IMAGE cover and an author text. The default collection is the connection's
 * `dataCollectionId`, else the first collection with a rich-text field (blog-like names first).
 * Schemas are kept a few minutes per process.
 */
import { plexusError } from '../../../core/errors.ts';
import type { ContentContext } from '../../contracts/content.ts';
import { apiUrl } from '../../kit/api-call.ts';
import { wixCall } from '../call.ts';

export interface Roles {
  collectionId: string;
  title: string;
  slug?: string;
  body?: string;
  excerpt?: string;
  published?: string;
  categories?: string;
  tags?: string;
  image?: string;
  author?: string;
}

interface Field {
  key: string;
  type: string;
  systemField?: boolean;
}

interface Collection {
  id: string;
  displayName?: string;
  displayField?: string;
  collectionType?: string;
  fields?: Field[];
}

const TTL_MS = 5 * 60_000;
const cache = new Map<string, { at: number; collections: Collection[] }>();

async function collections(s: ContentContext): Promise<Collection[]> {
  const key = `${apiUrl(s.ctx, '/')}|${s.ctx.config.siteId ?? ''}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.collections;
  const res = await wixCall(s, 'GET', '/wix-data/v2/collections?paging.limit=100');
  const list = (res.body as { collections?: Collection[] }).collections ?? [];
  cache.set(key, { at: Date.now(), collections: list });
  return list;
}

function pick(fields: Field[], types: string[], prefer: string[], pattern: RegExp): string | undefined {
  const typed = fields.filter((f) => types.includes(f.type) && !f.systemField && !f.key.startsWith('_'));
  return (prefer.map((p) => typed.find((f) => f.key === p)).find(Boolean) ?? typed.find((f) => pattern.test(f.key)))
    ?.key;
}

export function rolesFrom(c: Collection): Roles {
  const f = c.fields ?? [];
  const opt = (k: keyof Roles, v: string | undefined) => (v ? { [k]: v } : {});
  return {
    collectionId: c.id,
    title: c.displayField ?? 'title',
    ...opt('slug', pick(f, ['TEXT'], ['slug'], /slug/i)),
    ...opt('body', pick(f, ['RICH_TEXT'], ['body', 'content', 'postBody'], /./)),
    ...opt('excerpt', pick(f, ['TEXT'], ['excerpt', 'summary'], /excerpt|summary/i)),
    ...opt('published', pick(f, ['BOOLEAN'], ['published', 'isPublished'], /publish/i)),
    ...opt('categories', pick(f, ['ARRAY_STRING'], ['categories', 'category'], /categor/i)),
    ...opt('tags', pick(f, ['ARRAY_STRING'], ['tags'], /tag/i)),
    ...opt('image', pick(f, ['IMAGE'], ['coverImage', 'image', 'featuredImage', 'mainImage'], /image|cover/i)),
    ...opt('author', pick(f, ['TEXT'], ['author'], /^author/i)),
  };
}

export async function rolesOf(s: ContentContext, collectionId: string): Promise<Roles> {
  const c = (await collections(s)).find((x) => x.id === collectionId);
  if (!c) throw plexusError('provider.not_found', { message: `The Wix site has no CMS collection ${collectionId}.` });
  return rolesFrom(c);
}

const BLOG_LIKE = /blog|post|article|news/i;

export async function defaultCollection(s: ContentContext): Promise<string> {
  if (s.ctx.config.dataCollectionId) return s.ctx.config.dataCollectionId;
  const withBody = (await collections(s)).filter((c) => c.collectionType !== 'WIX_APP' && rolesFrom(c).body);
  const pick = withBody.find((c) => BLOG_LIKE.test(`${c.id} ${c.displayName ?? ''}`)) ?? withBody[0];
  if (!pick)
    throw plexusError('unprocessable', {
      message:
        'The Wix site has no CMS collection with a rich-text field to publish to; set dataCollectionId on the connection.',
    });
  return pick.id;
}
