import { diff3Merge } from 'node-diff3';
import { normalizeBody, splitBlocks } from './blocks.ts';
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
export function comparable(field: ContentField, v: unknown): string {
  if (v == null) return '';
  if (field === 'bodyHtml') return normalizeBody(String(v));
  if (LIST_FIELDS.has(field)) return JSON.stringify([...new Set((v as string[]).map((s) => s.trim()))].sort());
  return String(v).trim();
}

export function sameField(field: ContentField, a: unknown, b: unknown): boolean {
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

/** The body merged block by block with diff3; null when both sides changed the same block. */
export function mergeBody(base: string, hub: string, remote: string): string | null {
  const regions = diff3Merge(splitBlocks(hub), splitBlocks(base), splitBlocks(remote), { excludeFalseConflicts: true });
  const out: string[] = [];
  for (const r of regions) {
    if (r.conflict) return null;
    out.push(...(r.ok ?? []));
  }
  return out.join('\n');
}

/**
 * Three-way merge of one item: base is what both sides agreed at the last sync. A field only
 * one side changed takes that side's value; taxonomy merges as sets; the body merges by block;
 * anything else changed differently on both sides is a conflict.
 */
export function threeWayMerge(base: ContentFields, hub: ContentFields, remote: ContentFields, fields: readonly ContentField[] = CONTENT_FIELDS): MergeOutcome {
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
  return { merged: m, conflicts, hubChanges: diffFields(hub, m, conflicts, fields), remoteChanges: diffFields(remote, m, conflicts, fields) };
}

/** Fields of `target` that differ from `from`, skipping the conflicting ones. */
export function diffFields(from: ContentFields, target: ContentFields, skip: readonly FieldConflict[] = [], fields: readonly ContentField[] = CONTENT_FIELDS): Partial<ContentFields> {
  const out: Record<string, unknown> = {};
  const skipped = new Set(skip.map((c) => c.field));
  for (const f of fields) if (!skipped.has(f) && !sameField(f, from[f], target[f])) out[f] = target[f];
  return out as Partial<ContentFields>;
}
