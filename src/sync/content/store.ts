import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/pool.ts';
import { comparable } from './merge.ts';
import {
  CONTENT_FIELDS,
  type ContentField,
  type ContentFields,
  type ContentKind,
  type RemoteContent,
} from '../../providers/contracts/content.ts';
import { firstRow } from '../../db/first-row.ts';

export type ConflictPolicy = 'hub_wins' | 'remote_wins' | 'latest_wins' | 'manual';

export interface ItemRow {
  id: string;
  org_id: string;
  external_id: string | null;
  kind: ContentKind;
  title: string;
  body_html: string;
  excerpt: string;
  slug: string;
  status: 'draft' | 'published';
  categories: string[];
  tags: string[];
  featured_media: string | null;
  author: string | null;
  conflict_policy: ConflictPolicy | null;
  version: number;
  updated_at: Date;
}

/** An error kept on a record: a batch, one of its items, an item's copy on a site. */
export interface RecordedError {
  code: string;
  message: string;
  /** The job attempt that failed (a batch still retrying). */
  attempt?: number;
  /** True when the job failed for good. */
  job_died?: boolean;
}

/** An item as read back whole (`select *`), with when it was first stored. */
export type ItemRecord = ItemRow & { created_at: Date };

export interface TargetRow {
  id: string;
  org_id: string;
  item_id: string;
  connection_id: string;
  kind: ContentKind;
  collection: string | null;
  remote_id: string | null;
  remote_version: string | null;
  remote_modified_at: Date | null;
  base: ContentFields | null;
  hub_version: number | null;
  state: 'pending' | 'synced' | 'conflict' | 'remote_deleted' | 'rolled_back' | 'failed';
  create_started_at: Date | null;
  updated_at: Date;
}

export const fieldsOf = (i: ItemRow): ContentFields => ({
  title: i.title,
  bodyHtml: i.body_html,
  excerpt: i.excerpt,
  slug: i.slug,
  status: i.status,
  categories: i.categories,
  tags: i.tags,
  featuredMedia: i.featured_media,
  author: i.author,
});

/** Column of each field in `content_items`; the API uses the same snake_case names. */
export const COLUMN: Record<keyof ContentFields, string> = {
  title: 'title',
  bodyHtml: 'body_html',
  excerpt: 'excerpt',
  slug: 'slug',
  status: 'status',
  categories: 'categories',
  tags: 'tags',
  featuredMedia: 'featured_media',
  author: 'author',
};

/** A stable hash of the fields as compared (bodies by block, lists as sets). */
export function contentHash(f: ContentFields, fields: readonly ContentField[] = CONTENT_FIELDS): string {
  const h = createHash('sha256');
  for (const k of fields) h.update(`${k}\u0000${comparable(k, f[k])}\u0001`);
  return h.digest('hex');
}

export async function getItem(c: Queryable, orgId: string, id: string, lock = false): Promise<ItemRecord | null> {
  return (
    (await firstRow<ItemRecord>(
      c,
      `select * from content_items where org_id = $1 and id = $2${lock ? ' for update' : ''}`,
      [orgId, id],
    )) ?? null
  );
}

export async function getTarget(c: Queryable, orgId: string, id: string, lock = false): Promise<TargetRow | null> {
  return (
    (await firstRow<TargetRow>(
      c,
      `select * from content_targets where org_id = $1 and id = $2${lock ? ' for update' : ''}`,
      [orgId, id],
    )) ?? null
  );
}

/**
 * Applies changes to the hub item if it is still at `expectedVersion`; returns the new version,
 * or null when the hub changed meanwhile (the caller merges again).
 */
export async function updateItemFields(
  c: Queryable,
  orgId: string,
  id: string,
  changes: Partial<ContentFields>,
  expectedVersion: number | null,
): Promise<number | null> {
  const keys = Object.keys(changes) as (keyof ContentFields)[];
  const sets = keys.map((k, i) => `${COLUMN[k]} = $${i + 4}`);
  const { rows } = await c.query<{ version: number }>(
    `update content_items set ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
     where org_id = $1 and id = $2 and ($3::int is null or version = $3) returning version`,
    [orgId, id, expectedVersion, ...keys.map((k) => changes[k])],
  );
  return rows[0]?.version ?? null;
}

/** The target now agrees with the site at `remote` and with the hub at `hubVersion`, both equal to `base`. */
export async function markSynced(
  c: Queryable,
  orgId: string,
  targetId: string,
  base: ContentFields,
  remote: RemoteContent,
  hubVersion: number,
  state: TargetRow['state'] = 'synced',
): Promise<void> {
  await c.query(
    `update content_targets set remote_id = $3, remote_version = $4, remote_modified_at = $5, base = $6, base_hash = $7, hub_version = $8,
       state = $9, last_synced_at = now(), last_error = null, create_started_at = null, updated_at = now()
     where org_id = $1 and id = $2`,
    [
      orgId,
      targetId,
      remote.remoteId,
      remote.version,
      remote.modifiedAt,
      JSON.stringify(base),
      contentHash(base),
      hubVersion,
      state,
    ],
  );
}

export async function markTargetState(
  c: Queryable,
  orgId: string,
  targetId: string,
  state: TargetRow['state'],
  error: unknown = null,
): Promise<void> {
  await c.query(
    'update content_targets set state = $3, last_error = $4, updated_at = now() where org_id = $1 and id = $2',
    [orgId, targetId, state, error === null ? null : JSON.stringify(error)],
  );
}
