import { cursorParams, type Cursor } from '../../db/keyset.ts';
import type { Queryable } from '../../db/pool.ts';
import type { ItemRecord, ItemRow, TargetRow } from './store.ts';
import { firstRow } from '../../db/first-row.ts';

/** The columns a client writes when it creates an item; the API uses the same names. */
export type NewItem = Pick<
  ItemRow,
  | 'external_id'
  | 'kind'
  | 'title'
  | 'body_html'
  | 'excerpt'
  | 'slug'
  | 'status'
  | 'categories'
  | 'tags'
  | 'featured_media'
  | 'author'
  | 'conflict_policy'
>;

/**
 * Creates an item, or updates the one with the same external id (its version goes up).
 * `inserted` says which happened: `xmax = 0` holds only for a row this statement inserted.
 */
export async function upsertItem(c: Queryable, orgId: string, i: NewItem): Promise<ItemRecord & { inserted: boolean }> {
  const { rows } = await c.query<ItemRecord & { inserted: boolean }>(
    `insert into content_items (org_id, external_id, kind, title, body_html, excerpt, slug, status, categories, tags, featured_media, author, conflict_policy)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     on conflict (org_id, external_id) do update set kind = excluded.kind, title = excluded.title, body_html = excluded.body_html,
       excerpt = excluded.excerpt, slug = excluded.slug, status = excluded.status, categories = excluded.categories, tags = excluded.tags,
       featured_media = excluded.featured_media, author = excluded.author, conflict_policy = excluded.conflict_policy,
       version = content_items.version + 1, updated_at = now()
     returning *, (xmax = 0) as inserted`,
    [
      orgId,
      i.external_id,
      i.kind,
      i.title,
      i.body_html,
      i.excerpt,
      i.slug,
      i.status,
      i.categories,
      i.tags,
      i.featured_media,
      i.author,
      i.conflict_policy,
    ],
  );
  return rows[0]!;
}

/** The columns a hub edit may change, in the order they are set. */
const EDITABLE = [
  'title',
  'body_html',
  'excerpt',
  'slug',
  'status',
  'categories',
  'tags',
  'author',
  'conflict_policy',
  'featured_media',
] as const;
export type ItemChange = { [K in (typeof EDITABLE)[number]]?: ItemRow[K] | undefined };

/**
 * A hub edit: the given columns (at least one) change and the version goes up. Only names
 * from `EDITABLE` reach the statement, so a key of the change can never become SQL.
 */
export async function updateItem(
  c: Queryable,
  orgId: string,
  id: string,
  change: ItemChange,
): Promise<ItemRecord | undefined> {
  const params: unknown[] = [orgId, id];
  const sets: string[] = [];
  for (const col of EDITABLE) {
    if (change[col] === undefined) continue;
    params.push(change[col]);
    sets.push(`${col} = $${params.length}`);
  }
  return firstRow<ItemRecord>(
    c,
    `update content_items set ${sets.join(', ')}, version = version + 1, updated_at = now() where org_id = $1 and id = $2 returning *`,
    params,
  );
}

export interface ItemFilters {
  kind?: ItemRow['kind'] | undefined;
  /** Items with a copy in this state on at least one site. */
  targetState?: TargetRow['state'] | undefined;
}

/** The org's items, newest first, after `cursor`. */
export async function listItems(
  c: Queryable,
  orgId: string,
  f: ItemFilters,
  cursor: Cursor | undefined,
  limit: number,
): Promise<ItemRecord[]> {
  const { rows } = await c.query<ItemRecord>(
    `select * from content_items i where i.org_id = $1
       and ($2::text is null or i.kind = $2)
       and ($3::text is null or exists (select 1 from content_targets t where t.org_id = $1 and t.item_id = i.id and t.state = $3))
       and ($4::timestamptz is null or (i.created_at, i.id) < ($4, $5::uuid))
     order by i.created_at desc, i.id desc limit $6`,
    [orgId, f.kind ?? null, f.targetState ?? null, ...cursorParams(cursor), limit],
  );
  return rows;
}

/** Which of `ids` are items of the org. */
export async function existingItemIds(c: Queryable, orgId: string, ids: readonly string[]): Promise<Set<string>> {
  const { rows } = await c.query<{ id: string }>(
    'select id from content_items where org_id = $1 and id = any($2::uuid[])',
    [orgId, ids],
  );
  return new Set(rows.map((r) => r.id));
}
