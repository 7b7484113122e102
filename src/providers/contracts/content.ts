import type { Connector, ConnectorContext } from './connector.ts';
import type { DecryptedCredentials } from '../../vault/credentials.ts';

/** What a content item is on the site: a blog post, a page, a product description, a CMS collection item. */
export type ContentKind = 'post' | 'page' | 'product' | 'item';

export type ContentStatus = 'draft' | 'published';

/** An image shown with the item. `data` (base64) or `url` gives the bytes; `remoteId` is set once uploaded to a site. */
export interface MediaRef {
  url?: string;
  filename: string;
  contentType: string;
  alt?: string;
  /** sha256 of the bytes: a site keeps one upload per hash. */
  sha256: string;
}

/**
 * The fields Plexus syncs, in the unified shape. Taxonomy is by name: each adapter maps names to
 * the site's own terms (creating missing ones). The body is HTML; block-level merge works on it.
 */
export interface ContentFields {
  title: string;
  bodyHtml: string;
  excerpt: string;
  slug: string;
  status: ContentStatus;
  categories: string[];
  tags: string[];
  /**
   * The featured image: the sha256 of an image Plexus holds, `remote:<site id>` for one only the
   * site has (set there by an editor), or null for none.
   */
  featuredMedia: string | null;
  author: string | null;
}

export const CONTENT_FIELDS = [
  'title',
  'bodyHtml',
  'excerpt',
  'slug',
  'status',
  'categories',
  'tags',
  'featuredMedia',
  'author',
] as const;
export type ContentField = (typeof CONTENT_FIELDS)[number];

/** An item as the site has it now. */
export interface RemoteContent {
  remoteId: string;
  /**
   * The site's concurrency marker for this version: a revision/version number where the platform
   * has one, else its modified time. Compared, never interpreted.
   */
  version: string;
  /** The site's modified time, ISO 8601 UTC (for `latest_wins` and polling watermarks). */
  modifiedAt: string;
  fields: ContentFields;
  /** Trashed / archived on the site: treated as a remote deletion. */
  trashed?: boolean;
  /** The platform's own payload, kept beside. */
  raw?: unknown;
}

/** Where on a connection an item lives when the site has more than one place (Shopify blog, Webflow collection, Wix collection). */
export interface TargetLocation {
  kind: ContentKind;
  /** Platform id of the container (blog id, collection id); null where the kind says it all. */
  collection: string | null;
}

export interface ContentContext {
  connector: Connector;
  ctx: ConnectorContext;
  creds: DecryptedCredentials;
  /** Bytes of a featured image by its hash (the adapter uploads them when the site lacks them). */
  media(sha256: string): Promise<{ bytes: Buffer; ref: MediaRef } | null>;
  /** The site's id for an image already uploaded to this connection, and remembering a new one. */
  mediaRemoteId(sha256: string): Promise<string | null>;
  rememberMedia(sha256: string, remoteId: string, url: string | null): Promise<void>;
  /** Hash of an image the site already has, by its id on the site (set by the engine). */
  mediaByRemoteId(remoteId: string): Promise<string | null>;
}

export interface ChangesPage {
  items: RemoteContent[];
  /** Items known to be gone since the watermark (where the platform can tell; else absence checks find them). */
  deletedIds?: string[];
  next: string | null;
  /** The watermark to keep once every page is read: the newest modified time seen. */
  watermark: string | null;
}

/**
 * One CMS, as the content engine needs it. Writes take the version the engine last read and
 * must not overwrite a newer one: the adapter uses the platform's concurrency token where it has
 * one (Drupal `changed`, Wix `revision`), else reads the modified marker right before writing,
 * and throws `content.remote_changed` when they differ.
 */
export interface ContentAdapter {
  /** Kinds this site takes, with the default location for each. */
  kinds: readonly ContentKind[];
  /**
   * Fields this site stores (default: all). The others are never compared or written, so a site
   * without categories does not read as an editor removing them.
   */
  fields?: readonly ContentField[] | ((kind: ContentKind) => readonly ContentField[]);
  /** Where items of a kind go by default on this connection (e.g. the first blog, the collection named in config). */
  locate(s: ContentContext, kind: ContentKind): Promise<TargetLocation>;
  /** Most items one bulk call takes, when the platform has a bulk endpoint. */
  bulkSize?: number;
  create(s: ContentContext, loc: TargetLocation, fields: ContentFields): Promise<RemoteContent>;
  /** Creates many in one platform call where it has one; results in input order. */
  createMany?(s: ContentContext, loc: TargetLocation, items: ContentFields[]): Promise<RemoteContent[]>;
  /** The item, or null when it no longer exists. */
  read(s: ContentContext, loc: TargetLocation, remoteId: string): Promise<RemoteContent | null>;
  /** Writes the changed fields; `expectedVersion` guards against overwriting an edit made since it was read. */
  update(
    s: ContentContext,
    loc: TargetLocation,
    remoteId: string,
    changes: Partial<ContentFields>,
    expectedVersion: string,
  ): Promise<RemoteContent>;
  remove(s: ContentContext, loc: TargetLocation, remoteId: string): Promise<void>;
  /** Finds an item by slug: how a create whose answer was lost (worker killed) is recognised on retry. */
  findBySlug(s: ContentContext, loc: TargetLocation, slug: string): Promise<RemoteContent | null>;
  /** Items modified after `since` (null: all; an ISO 8601 time, as watermarks are), a page at a time, for polling. */
  changedSince(
    s: ContentContext,
    loc: TargetLocation,
    since: string | null,
    cursor: string | null,
  ): Promise<ChangesPage>;
}

/** The fields a site stores for items of a kind. */
export function syncedFields(adapter: Pick<ContentAdapter, 'fields'>, kind: ContentKind): readonly ContentField[] {
  const f = adapter.fields;
  return typeof f === 'function' ? f(kind) : (f ?? CONTENT_FIELDS);
}
