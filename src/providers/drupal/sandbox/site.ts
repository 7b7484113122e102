/**
 * The Drupal site held by the sandbox: nodes (articles and pages, each save a new revision),
 * the `tags` vocabulary and managed files, seeded deterministically from seed + size.
 */
import { createHash } from 'node:crypto';
import { rngFor } from '../../../sandbox/kit/rng.ts';
import type { DrupalAuth } from './auth.ts';

export interface ImageRef {
  file: string;
  alt: string;
  title: string;
}

export interface DrupalNode {
  uuid: string;
  nid: number;
  vid: number;
  bundle: 'article' | 'page';
  title: string;
  status: boolean;
  created: number;
  /** Unix seconds, the remote-change marker. */
  changed: number;
  revisionTimestamp: number;
  revisionLog: string | null;
  promote: boolean;
  sticky: boolean;
  body: { value: string; format: string | null; summary: string };
  uid: number;
  alias: string | null;
  /** `field_tags` (articles): term UUIDs, in order. */
  tags: string[];
  /** `field_image` (articles). */
  image: ImageRef | null;
}

export interface DrupalTerm {
  uuid: string;
  tid: number;
  name: string;
  description: string;
  weight: number;
  changed: number;
  status: boolean;
}

export interface DrupalFile {
  uuid: string;
  fid: number;
  filename: string;
  /** `public://2025-11/name.png`. */
  uri: string;
  mime: string;
  bytes: Buffer;
  /** Temporary (false) until an entity references it. */
  status: boolean;
  created: number;
  uid: number;
  width: number;
  height: number;
}

export interface DrupalCtx {
  baseUrl: string;
  now(): number;
  readOnly: boolean;
  nodes: Map<string, DrupalNode>;
  nextNid: number;
  nextVid: number;
  terms: Map<string, DrupalTerm>;
  nextTid: number;
  files: Map<string, DrupalFile>;
  nextFid: number;
  auth: DrupalAuth;
}

export type SiteData = Pick<DrupalCtx, 'nodes' | 'nextNid' | 'nextVid' | 'terms' | 'nextTid' | 'files' | 'nextFid'>;

export function uuidOf(...parts: (string | number)[]): string {
  const h = createHash('sha256').update(parts.join('|')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const WORDS = [
  'drupal',
  'community',
  'release',
  'module',
  'theme',
  'security',
  'update',
  'event',
  'camp',
  'guide',
  'migration',
  'content',
  'editorial',
  'workflow',
  'news',
];
const TAGS = ['Drupal', 'Events', 'Security', 'Community', 'Release', 'Tutorial'];

export function seedSite(seed: number | string, size: number, now: number): SiteData {
  const nowSec = Math.floor(now / 1000);
  const terms = new Map<string, DrupalTerm>();
  TAGS.forEach((name, i) => {
    const uuid = uuidOf(String(seed), 'term', i + 1);
    terms.set(uuid, {
      uuid,
      tid: i + 1,
      name,
      description: '',
      weight: 0,
      changed: nowSec - 400 * 86_400,
      status: true,
    });
  });
  const termIds = [...terms.keys()];
  const nodes = new Map<string, DrupalNode>();
  let vid = 1;
  for (let i = 0; i < size; i++) {
    const rng = rngFor(seed, 'drupal-node', i);
    const nid = i + 1;
    const title = Array.from({ length: rng.int(2, 6) }, () => rng.pick(WORDS)).join(' ');
    const created = nowSec - rng.int(86_400, 365 * 86_400);
    const revisions = rng.int(1, 4);
    const changed = Math.min(nowSec, created + (revisions - 1) * rng.int(60, 20 * 86_400));
    vid += revisions;
    const bundle = i % 7 === 3 ? 'page' : 'article';
    const tagRng = rngFor(seed, 'drupal-node-tags', i);
    const tags =
      bundle === 'article' ? [...new Set(Array.from({ length: tagRng.int(0, 2) }, () => tagRng.pick(termIds)))] : [];
    nodes.set(uuidOf(String(seed), 'node', nid), {
      uuid: uuidOf(String(seed), 'node', nid),
      nid,
      vid: vid - 1,
      bundle,
      title: title[0]!.toUpperCase() + title.slice(1),
      status: rng.chance(0.85),
      created,
      changed,
      revisionTimestamp: changed,
      revisionLog: null,
      promote: rng.chance(0.5),
      sticky: false,
      body: { value: `<p>${title}.</p>`, format: 'basic_html', summary: '' },
      uid: rng.chance(0.7) ? 1 : 2,
      alias: null,
      tags,
      image: null,
    });
  }
  return { nodes, nextNid: size + 1, nextVid: vid, terms, nextTid: TAGS.length + 1, files: new Map(), nextFid: 1 };
}

/** A save: `changed` moves and, as articles and pages are configured, a new revision is created. */
export function bump(ctx: DrupalCtx, n: DrupalNode): void {
  const t = Math.floor(ctx.now() / 1000);
  n.changed = t;
  n.revisionTimestamp = t;
  n.vid = ctx.nextVid++;
}

/** Attribute values by their JSON:API names (validation is the caller's). */
export function applyAttrs(n: DrupalNode, attrs: Record<string, unknown>): void {
  if (typeof attrs['title'] === 'string') n.title = attrs['title'];
  if (typeof attrs['status'] === 'boolean') n.status = attrs['status'];
  if (typeof attrs['promote'] === 'boolean') n.promote = attrs['promote'];
  if (typeof attrs['sticky'] === 'boolean') n.sticky = attrs['sticky'];
  if (typeof attrs['revision_log'] === 'string') n.revisionLog = attrs['revision_log'];
  const body = attrs['body'];
  if (body === null) n.body = { value: '', format: null, summary: '' };
  else if (body && typeof body === 'object') {
    // A field item is replaced as a whole: properties left out become empty.
    const b = body as Record<string, unknown>;
    n.body = {
      value: typeof b['value'] === 'string' ? b['value'] : '',
      format: typeof b['format'] === 'string' ? b['format'] : null,
      summary: typeof b['summary'] === 'string' ? b['summary'] : '',
    };
  }
  const path = attrs['path'];
  if (path && typeof path === 'object') {
    const alias = (path as Record<string, unknown>)['alias'];
    n.alias = typeof alias === 'string' && alias !== '' ? alias : null;
  }
}
