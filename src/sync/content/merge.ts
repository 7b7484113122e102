import { diff3Merge } from 'node-diff3';
import { bodyBlocks, normalizeBody, type Block } from './blocks.ts';
import { CONTENT_FIELDS, type ContentField, type ContentFields } from '../../providers/contracts/content.ts';

export interface FieldConflict {
  field: ContentField;
  base: unknown;
  hub: unknown;
  remote: unknown;
}

export interface MergeOutcome {
  /** Every field merged; for a conflicting field, the base value until it is resolved. */
  merged: ContentFields;
  conflicts: FieldConflict[];
  /** Fields whose merged value differs from the hub's / the site's: what each side must be told. */
  hubChanges: Partial<ContentFields>;
  remoteChanges: Partial<ContentFields>;
}

const LIST_FIELDS = new Set<ContentField>(['categories', 'tags']);

/** Field values as compared: bodies by normalized blocks, lists as sorted sets, text trimmed. */
export function comparable(field: ContentField, v: ContentFields[ContentField] | undefined): string {
  if (v == null) return '';
  // Only the list fields (categories, tags) hold arrays.
  if (Array.isArray(v)) return JSON.stringify([...new Set(v.map((s) => s.trim()))].sort());
  if (field === 'bodyHtml') return normalizeBody(v);
  return v.trim();
}

export function sameField(
  field: ContentField,
  a: ContentFields[ContentField],
  b: ContentFields[ContentField],
): boolean {
  return comparable(field, a) === comparable(field, b);
}

/** Set merge for taxonomy: additions and removals from both sides apply, never a conflict. */
function mergeList(base: string[], hub: string[], remote: string[]): string[] {
  const b = new Set(base);
  const out = new Set(base);
  for (const side of [hub, remote]) {
    const s = new Set(side);
    for (const v of s) if (!b.has(v)) out.add(v);
    for (const v of b) if (!s.has(v)) out.delete(v);
  }
  return [...out].sort();
}

/**
 * The body merged block by block with diff3 over the blocks' keys, so a block one side only
 * spelled differently is no edit; null when both sides changed the same block. Each block is
 * written as its source text, preferring the site's copy, with the whitespace that preceded it
 * there when it follows the same block as there: where neither side changed a stretch of the
 * body, the stretch comes out byte for byte.
 */
export function mergeBody(base: string, hub: string, remote: string): string | null {
  const [b, h, r] = [bodyBlocks(base), bodyBlocks(hub), bodyBlocks(remote)];
  const copies = new Map<string, Block[]>();
  for (const block of [...b, ...h, ...r]) copies.set(block.key, [...(copies.get(block.key) ?? []), block]);
  const keys = (blocks: readonly Block[]) => blocks.map((x) => x.key);
  const regions = diff3Merge(keys(h), keys(b), keys(r), { excludeFalseConflicts: true });
  let out = '';
  let prev: string | null = null;
  for (const region of regions) {
    if (region.conflict) return null;
    for (const key of region.ok ?? []) {
      const found = copies.get(key)!;
      const copy = found.findLast((c) => c.prevKey === prev) ?? found.at(-1)!;
      // A block that follows another than in its source is set on a line of its own.
      if (prev !== null) out += copy.prevKey === prev || copy.space ? copy.space : '\n';
      out += copy.text;
      prev = key;
    }
  }
  return out;
}

/**
 * Three-way merge of one item: base is what both sides agreed at the last sync. A field only
 * one side changed takes that side's value; taxonomy merges as sets; the body merges by block;
 * anything else changed differently on both sides is a conflict.
 */
export function threeWayMerge(
  base: ContentFields,
  hub: ContentFields,
  remote: ContentFields,
  fields: readonly ContentField[] = CONTENT_FIELDS,
): MergeOutcome {
  // Fields the site does not store stay as the hub has them.
  const merged = { ...hub } as Record<ContentField, unknown>;
  const conflicts: FieldConflict[] = [];
  for (const f of fields) {
    const b = base[f];
    const h = hub[f];
    const r = remote[f];
    const hubChanged = !sameField(f, b, h);
    const remoteChanged = !sameField(f, b, r);
    if (!hubChanged && !remoteChanged) merged[f] = r;
    else if (!remoteChanged) merged[f] = h;
    else if (!hubChanged) merged[f] = r;
    else if (sameField(f, h, r)) merged[f] = r;
    else if (LIST_FIELDS.has(f)) merged[f] = mergeList(b as string[], h as string[], r as string[]);
    else if (f === 'bodyHtml') {
      const body = mergeBody(String(b), String(h), String(r));
      if (body === null) {
        conflicts.push({ field: f, base: b, hub: h, remote: r });
        merged[f] = b;
      } else merged[f] = body;
    } else {
      conflicts.push({ field: f, base: b, hub: h, remote: r });
      merged[f] = b;
    }
  }
  const m = merged as unknown as ContentFields;
  return {
    merged: m,
    conflicts,
    hubChanges: diffFields(hub, m, conflicts, fields),
    remoteChanges: diffFields(remote, m, conflicts, fields),
  };
}

/** Fields of `target` that differ from `from`, skipping the conflicting ones. */
export function diffFields(
  from: ContentFields,
  target: ContentFields,
  skip: readonly FieldConflict[] = [],
  fields: readonly ContentField[] = CONTENT_FIELDS,
): Partial<ContentFields> {
  const out: Record<string, unknown> = {};
  const skipped = new Set(skip.map((c) => c.field));
  for (const f of fields) if (!skipped.has(f) && !sameField(f, from[f], target[f])) out[f] = target[f];
  return out;
}
