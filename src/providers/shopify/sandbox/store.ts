/**
 * The shop's content: blogs, articles, pages and products with numeric ids, `created_at` /
 * `updated_at` / `published_at`, seeded deterministically from seed + size.
 */
import { hash32, rngFor } from '../../../sandbox/kit/rng.ts';
import { hyphenate } from '../../../sandbox/kit/text.ts';

export type Kind = 'blog' | 'article' | 'page' | 'product';

export interface Resource {
  kind: Kind;
  id: number;
  createdAt: number;
  updatedAt: number;
  publishedAt: number | null;
  /** Articles only. */
  blogId?: number;
  /** Kind-specific fields, named as in webhook payloads (title, body_html, handle, tags, vendor…). */
  fields: Record<string, unknown>;
}

const WORDS = [
  'summer',
  'sale',
  'organic',
  'cotton',
  'guide',
  'care',
  'new',
  'arrivals',
  'gift',
  'ideas',
  'behind',
  'the',
  'scenes',
  'classic',
  'tee',
  'mug',
  'candle',
  'lookbook',
  'story',
  'update',
];
const VENDORS = ['Acme Goods', 'Northwind', 'Blue Harbor'];
const TYPES = ['Apparel', 'Home', 'Accessories'];

export function handleize(title: string): string {
  return hyphenate(title) || 'untitled';
}

export class ShopData {
  items = new Map<number, Resource>();
  nextId = 1;

  static seeded(seed: number | string, size: number, now: number): ShopData {
    const d = new ShopData();
    d.nextId = 100_000_000_000 + (hash32(`shopify|${String(seed)}`) % 900) * 1_000_000;
    const sec = (ms: number) => Math.floor(ms / 1000) * 1000;
    const blog = (title: string, commentable: string, createdDaysAgo: number, updatedDaysAgo: number) =>
      d.add({
        kind: 'blog',
        createdAt: sec(now - createdDaysAgo * 86_400_000),
        updatedAt: sec(now - updatedDaysAgo * 86_400_000),
        publishedAt: null,
        fields: {
          title,
          handle: handleize(title),
          commentable,
          tags: '',
          template_suffix: null,
          feedburner: null,
          feedburner_location: null,
        },
      });
    const blogs = [blog('News', 'no', 500, 400), blog('Guides', 'moderate', 450, 300)];
    for (let i = 0; i < size; i++) {
      const rng = rngFor(seed, 'shopify-item', i);
      const roll = rng.next();
      const kind: Kind = roll < 0.5 ? 'article' : roll < 0.65 ? 'page' : 'product';
      const title = Array.from({ length: rng.int(2, 5) }, () => rng.pick(WORDS))
        .map((w) => w[0]!.toUpperCase() + w.slice(1))
        .join(' ');
      const createdAt = sec(now - rng.int(2 * 86_400, 360 * 86_400) * 1000);
      const updatedAt = Math.min(
        sec(now),
        rng.chance(0.5) ? createdAt : sec(createdAt + rng.int(60, 60 * 86_400) * 1000),
      );
      const published = rng.chance(0.85);
      const handle = `${handleize(title)}-${i}`;
      const body = `<p>${title} — ${rng.pick(WORDS)} ${rng.pick(WORDS)}.</p>`;
      d.nextId += rng.int(1, 40);
      const base = { kind, createdAt, updatedAt, publishedAt: published ? createdAt : null };
      if (kind === 'article') {
        const blog = rng.pick(blogs);
        d.add({
          ...base,
          blogId: blog.id,
          fields: {
            title,
            body_html: body,
            author: rng.pick(['Ana', 'Ben', 'Chen']),
            summary_html: null,
            handle,
            tags: rng.chance(0.5) ? rng.pick(['news', 'howto', 'press']) : '',
            template_suffix: null,
            user_id: null,
            image: null,
          },
        });
      } else if (kind === 'page') {
        d.add({ ...base, fields: { title, body_html: body, author: 'Shop Admin', handle, template_suffix: null } });
      } else {
        d.add({
          ...base,
          fields: {
            title,
            body_html: body,
            vendor: rng.pick(VENDORS),
            product_type: rng.pick(TYPES),
            handle,
            tags: rng.chance(0.4) ? 'featured' : '',
            status: published ? 'active' : rng.pick(['draft', 'archived']),
            template_suffix: null,
            published_scope: 'web',
            price: `${rng.int(5, 120)}.00`,
          },
        });
      }
    }
    return d;
  }

  add(r: Omit<Resource, 'id'> & { id?: number }): Resource {
    const item: Resource = { ...r, id: r.id ?? this.nextId++ };
    if (item.id >= this.nextId) this.nextId = item.id + 1;
    this.items.set(item.id, item);
    return item;
  }

  of(kind: Kind, blogId?: number): Resource[] {
    return [...this.items.values()].filter((r) => r.kind === kind && (blogId === undefined || r.blogId === blogId));
  }
}
