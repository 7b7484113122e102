import { z } from 'zod';
import { COLUMN, type ItemRow } from '../../../sync/content/store.ts';
import {
  contentTargetState,
  contentKind,
  contentStatus,
  conflictPolicy,
  recordedError,
} from '../../openapi/components.ts';

export const POLICIES = ['hub_wins', 'remote_wins', 'latest_wins', 'manual'] as const;

/** API field names (snake_case) of the unified content fields: the item columns. */
export const API_FIELD: Record<string, string> = COLUMN;
export const FROM_API: Record<string, string> = Object.fromEntries(Object.entries(API_FIELD).map(([k, v]) => [v, k]));

export const targetSchema = z.object({
  connection_id: z.string(),
  provider: z.string(),
  remote_id: z.string().nullable(),
  state: contentTargetState,
  remote_version: z.string().nullable(),
  remote_modified_at: z.date().nullable(),
  last_synced_at: z.date().nullable(),
  last_error: recordedError.nullable(),
});

export const itemSchema = z.object({
  id: z.string(),
  external_id: z.string().nullable(),
  kind: contentKind,
  title: z.string(),
  body_html: z.string(),
  excerpt: z.string(),
  slug: z.string(),
  status: contentStatus,
  categories: z.array(z.string()),
  tags: z.array(z.string()),
  featured_media: z.string().nullable(),
  author: z.string().nullable(),
  conflict_policy: conflictPolicy.nullable(),
  version: z.number(),
  created_at: z.date(),
  updated_at: z.date(),
  targets: z.array(targetSchema).optional(),
});

export function formatItem(
  i: ItemRow & { created_at: Date },
  targets?: z.infer<typeof targetSchema>[],
): z.infer<typeof itemSchema> {
  return {
    id: i.id,
    external_id: i.external_id,
    kind: i.kind,
    title: i.title,
    body_html: i.body_html,
    excerpt: i.excerpt,
    slug: i.slug,
    status: i.status,
    categories: i.categories,
    tags: i.tags,
    featured_media: i.featured_media,
    author: i.author,
    conflict_policy: i.conflict_policy,
    version: i.version,
    created_at: i.created_at,
    updated_at: i.updated_at,
    ...(targets ? { targets } : {}),
  };
}

/** A conflict's fields with API names: base, hub and site values side by side. */
// A field's value is text, a list of names or null (see contentFieldValue).
type FieldValue = string | string[] | null;
export function formatConflictFields(fields: { field: string; base: unknown; hub: unknown; remote: unknown }[]) {
  return fields.map((f) => ({
    field: API_FIELD[f.field] ?? f.field,
    base: f.base as FieldValue,
    hub: f.hub as FieldValue,
    remote: f.remote as FieldValue,
  }));
}
