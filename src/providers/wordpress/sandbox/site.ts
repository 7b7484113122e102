/**
 * The WordPress site held by the sandbox: users with application passwords, the `wp_posts` rows
 * behind posts, pages and attachments (one id sequence for all, as in WordPress) and the
 * categories and tags (`wp_terms`, a sequence of their own). The site timezone is UTC, so `date`
 * equals `date_gmt` and `modified_after` (compared against the site-local column) behaves the
 * same as a GMT comparison.
 */
import { createHash, randomUUID } from 'node:crypto';
import { rngFor } from '../../../sandbox/kit/rng.ts';
import { hyphenate } from '../../../sandbox/kit/text.ts';

export interface AppPassword {
  uuid: string;
  appId: string;
  name: string;
  /** WordPress stores a hash; the plain password is only shown once at creation. */
  hash: string;
  created: number;
  lastUsed: number | null;
  lastIp: string | null;
}

export interface WpUser {
  id: number;
  login: string;
  email: string;
  name: string;
  roles: string[];
  registered: number;
  appPasswords: AppPassword[];
}

export type PostStatus = 'publish' | 'future' | 'draft' | 'pending' | 'private' | 'trash';
export type PostType = 'post' | 'page';

export interface WpPost {
  id: number;
  type: PostType;
  status: PostStatus;
  /** Epoch ms, second precision. */
  date: number;
  modified: number;
  slug: string;
  title: string;
  content: string;
  excerpt: string;
  author: number;
  password: string;
  commentStatus: 'open' | 'closed';
  pingStatus: 'open' | 'closed';
  sticky: boolean;
  format: string;
  categories: number[];
  tags: number[];
  parent: number;
  menuOrder: number;
  template: string;
  featuredMedia: number;
  /** Status before trashing, restored by an untrash. */
  trashedFrom?: PostStatus;
}

export type Taxonomy = 'category' | 'post_tag';

export interface WpTerm {
  id: number;
  taxonomy: Taxonomy;
  /** As stored: `sanitize_text_field` + `_wp_specialchars` (so `&` reads back as `&amp;`). */
  name: string;
  slug: string;
  description: string;
  parent: number;
}

/** An attachment row plus the uploaded file (served under /wp-content/uploads/). */
export interface WpMedia {
  id: number;
  date: number;
  modified: number;
  slug: string;
  title: string;
  author: number;
  /** Path below the uploads folder, `YYYY/MM/name.ext`. */
  file: string;
  mimeType: string;
  bytes: Buffer;
  alt: string;
  caption: string;
  description: string;
  post: number | null;
  width: number;
  height: number;
}

export const WRITABLE_STATUSES: readonly PostStatus[] = ['publish', 'future', 'draft', 'pending', 'private'];

export function hashPassword(plain: string): string {
  return createHash('sha256').update(plain).digest('hex');
}

/** WordPress deletes everything but [A-Za-z0-9] before comparing, so the spaced form works too. */
export function normalizeAppPassword(input: string): string {
  return input.replace(/[^a-z\d]/gi, '');
}

/** Shown to users in groups of four (`WP_Application_Passwords::chunk_password`). */
export function chunkPassword(plain: string): string {
  return (plain.match(/.{1,4}/g) ?? []).join(' ');
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function generateAppPassword(seed: number | string, ...labels: (string | number)[]): string {
  const rng = rngFor(seed, 'wp-app-password', ...labels);
  let out = '';
  while (out.length < 24) out += ALNUM[rng.int(0, ALNUM.length - 1)];
  return out;
}

export function toSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

const WORDS = [
  'marketing',
  'launch',
  'spring',
  'guide',
  'product',
  'update',
  'team',
  'release',
  'notes',
  'design',
  'growth',
  'customer',
  'story',
  'how',
  'to',
  'plan',
  'content',
  'calendar',
  'insights',
  'weekly',
  'roundup',
  'tips',
  'summer',
  'campaign',
  'brand',
  'email',
  'social',
  'search',
  'analytics',
  'event',
];

export function slugify(title: string): string {
  return hyphenate(title) || 'untitled';
}

export interface SiteSeed {
  seed: number | string;
  size: number;
  now: number;
  user: { login: string; email: string; name: string };
  appPassword: string;
}

// Seeded terms: the ids the seeded posts refer to (categories 1–5, tags 6–12).
const CATEGORIES = ['Uncategorized', 'Announcements', 'Guides', 'Product Updates', 'Case Studies'];
const TAGS = ['marketing', 'seo', 'email', 'social', 'analytics', 'design', 'events'];

export class WpSite {
  users: WpUser[] = [];
  posts = new Map<number, WpPost>();
  media = new Map<number, WpMedia>();
  terms = new Map<number, WpTerm>();
  /** wp_posts sequence: posts, pages and attachments. */
  nextId = 1;
  nextTermId = 1;

  static seeded(s: SiteSeed): WpSite {
    const site = new WpSite();
    const admin: WpUser = {
      id: 1,
      login: s.user.login,
      email: s.user.email,
      name: s.user.name,
      roles: ['administrator'],
      registered: toSecond(s.now - 400 * 86_400_000),
      appPasswords: [],
    };
    admin.appPasswords.push({
      uuid: uuidFrom(s.seed, 'app-password', 0),
      appId: '',
      name: 'Plexus',
      hash: hashPassword(s.appPassword),
      created: toSecond(s.now - 86_400_000),
      lastUsed: null,
      lastIp: null,
    });
    const author: WpUser = {
      id: 2,
      login: 'editor',
      email: 'editor@example.test',
      name: 'Site Editor',
      roles: ['editor'],
      registered: admin.registered,
      appPasswords: [],
    };
    site.users.push(admin, author);
    site.nextId = 3;
    for (const name of CATEGORIES) site.addTerm('category', name);
    for (const name of TAGS) site.addTerm('post_tag', name);

    const pages = Math.max(1, Math.round(s.size * 0.15));
    for (let i = 0; i < s.size; i++) {
      const rng = rngFor(s.seed, 'wp-post', i);
      const type: PostType = i % Math.max(2, Math.round(s.size / pages)) === 1 ? 'page' : 'post';
      const words = Array.from({ length: rng.int(2, 6) }, () => rng.pick(WORDS));
      const title = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
      const date = toSecond(s.now - rng.int(2 * 86_400, 365 * 86_400) * 1000);
      const roll = rng.next();
      const status: PostStatus =
        roll < 0.8 ? 'publish' : roll < 0.9 ? 'draft' : roll < 0.94 ? 'private' : roll < 0.97 ? 'pending' : 'trash';
      const id = site.nextId++;
      const post: WpPost = {
        id,
        type,
        status,
        date,
        modified: rng.chance(0.5) ? date : toSecond(date + rng.int(60, 30 * 86_400) * 1000),
        slug: status === 'trash' ? `${slugify(title)}-${id}__trashed` : `${slugify(title)}-${id}`,
        title,
        content: `<!-- wp:paragraph -->\n<p>${words.join(' ')} — body of item ${id}.</p>\n<!-- /wp:paragraph -->`,
        excerpt: '',
        author: rng.chance(0.7) ? 1 : 2,
        password: '',
        commentStatus: type === 'post' ? 'open' : 'closed',
        pingStatus: type === 'post' ? 'open' : 'closed',
        sticky: type === 'post' && rng.chance(0.03),
        format: 'standard',
        categories: type === 'post' ? [rng.int(1, 5)] : [],
        tags: type === 'post' && rng.chance(0.5) ? [rng.int(6, 12)] : [],
        parent: 0,
        menuOrder: 0,
        template: '',
        featuredMedia: 0,
        ...(status === 'trash' ? { trashedFrom: 'publish' as const } : {}),
      };
      if (post.modified > s.now) post.modified = toSecond(s.now);
      site.posts.set(id, post);
    }
    return site;
  }

  addTerm(taxonomy: Taxonomy, name: string, slug = slugify(name), description = '', parent = 0): WpTerm {
    const term: WpTerm = { id: this.nextTermId++, taxonomy, name, slug, description, parent };
    this.terms.set(term.id, term);
    return term;
  }

  /** A post, page or attachment: they share the `post_name` namespace for unique slugs. */
  slugTaken(slug: string, selfId: number): boolean {
    for (const p of this.posts.values()) if (p.id !== selfId && p.slug === slug) return true;
    for (const m of this.media.values()) if (m.id !== selfId && m.slug === slug) return true;
    return false;
  }

  userByLoginOrEmail(name: string): WpUser | undefined {
    const lower = name.toLowerCase();
    return (
      this.users.find((u) => u.login.toLowerCase() === lower) ??
      (name.includes('@') ? this.users.find((u) => u.email.toLowerCase() === lower) : undefined)
    );
  }

  user(id: number): WpUser | undefined {
    return this.users.find((u) => u.id === id);
  }
}

export function uuidFrom(seed: number | string, ...labels: (string | number)[]): string {
  const h = createHash('sha256')
    .update(`${String(seed)}|${labels.join('|')}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function newUuid(): string {
  return randomUUID();
}
