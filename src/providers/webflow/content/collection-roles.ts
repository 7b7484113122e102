/**
 * Which field of a Webflow collection holds which unified field. Collections are designed per
 * site, so roles come from the schema (`GET /collections/{id}`): `name` and `slug` always; the
 * body is the RichText field (`post-body` first), the excerpt a PlainText summary/excerpt
 * field, the featured image an Image field (`main-image` first), categories and tags
 * Reference/MultiReference fields named so, with the collection they point to. Schemas and the
 * site's default collection change rarely: they are kept a few minutes per process.
 */
import { plexusError } from '../../../core/errors.ts';
import type { ContentContext } from '../../contracts/content.ts';
import { apiUrl } from '../../kit/api-call.ts';
import { wfCall } from '../call.ts';

export interface RefRole {
  slug: string;
  multi: boolean;
  /** The collection whose items the field references (the terms). */
  collectionId: string;
}

export interface Roles {
  collectionId: string;
  body?: string;
  excerpt?: string;
  image?: string;
  author?: string;
  categories?: RefRole;
  tags?: RefRole;
}

interface Field {
  slug: string;
  type: string;
  validations?: { collectionId?: string } | null;
}

const TTL_MS = 5 * 60_000;
const cache = new Map<string, { at: number; value: unknown }>();

/** A value kept per API origin and key for a few minutes. */
export async function cached<T>(s: ContentContext, key: string, load: () => Promise<T>): Promise<T> {
  const k = `${apiUrl(s.ctx, '/')}|${key}`;
  const hit = cache.get(k);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value as T;
  const value = await load();
  cache.set(k, { at: Date.now(), value });
  return value;
}

/** The first field of these types named as preferred, else the first whose slug matches. */
function pick(fields: Field[], types: string[], prefer: string[], pattern: RegExp): Field | undefined {
  const typed = fields.filter((f) => types.includes(f.type) && f.slug !== 'name' && f.slug !== 'slug');
  return prefer.map((p) => typed.find((f) => f.slug === p)).find(Boolean) ?? typed.find((f) => pattern.test(f.slug));
}

function ref(f: Field | undefined): RefRole | undefined {
  const target = f?.validations?.collectionId;
  return f && target ? { slug: f.slug, multi: f.type === 'MultiReference', collectionId: target } : undefined;
}

export function rolesFrom(collectionId: string, fields: Field[]): Roles {
  const body = pick(fields, ['RichText'], ['post-body', 'body', 'content'], /./);
  const excerpt = pick(fields, ['PlainText'], ['post-summary', 'summary', 'excerpt'], /summary|excerpt/);
  const image = pick(fields, ['Image'], ['main-image', 'featured-image', 'thumbnail-image'], /./);
  const author = pick(fields, ['PlainText'], ['author', 'author-name'], /^author/);
  const categories = ref(pick(fields, ['Reference', 'MultiReference'], ['category', 'categories'], /categor/));
  const tags = ref(pick(fields, ['MultiReference', 'Reference'], ['tags', 'tag'], /tag/));
  return {
    collectionId,
    ...(body ? { body: body.slug } : {}),
    ...(excerpt ? { excerpt: excerpt.slug } : {}),
    ...(image ? { image: image.slug } : {}),
    ...(author ? { author: author.slug } : {}),
    ...(categories ? { categories } : {}),
    ...(tags ? { tags } : {}),
  };
}

export function rolesOf(s: ContentContext, collectionId: string): Promise<Roles> {
  return cached(s, `roles:${collectionId}`, async () => {
    const res = await wfCall(s, 'GET', `/collections/${collectionId}`);
    return rolesFrom(collectionId, (res.body as { fields?: Field[] }).fields ?? []);
  });
}

/** The connection's site: from its config (set when it connected), else the first the token sees. */
export function siteIdOf(s: ContentContext): Promise<string> {
  if (s.ctx.config.siteId) return Promise.resolve(s.ctx.config.siteId);
  return cached(s, 'site', async () => {
    const res = await wfCall(s, 'GET', '/sites');
    const id = (res.body as { sites?: { id: string }[] }).sites?.[0]?.id;
    if (!id) throw plexusError('unprocessable', { message: 'The Webflow authorization covers no site.' });
    return id;
  });
}

const BLOG_LIKE = /blog|post|article|news/i;

/** The collection items go to by default: the config's `collectionId`, else the site's first blog-like collection. */
export function defaultCollection(s: ContentContext): Promise<string> {
  if (s.ctx.config.collectionId) return Promise.resolve(s.ctx.config.collectionId);
  return cached(s, `default-collection:${s.ctx.config.siteId ?? ''}`, async () => {
    const siteId = await siteIdOf(s);
    const res = await wfCall(s, 'GET', `/sites/${siteId}/collections`);
    const cols =
      (res.body as { collections?: { id: string; slug?: string; displayName?: string }[] }).collections ?? [];
    const named = cols.find((c) => BLOG_LIKE.test(`${c.slug ?? ''} ${c.displayName ?? ''}`));
    if (named) return named.id;
    for (const c of cols) if ((await rolesOf(s, c.id)).body) return c.id;
    const first = cols[0];
    if (!first) throw plexusError('unprocessable', { message: 'The Webflow site has no CMS collection.' });
    return first.id;
  });
}
