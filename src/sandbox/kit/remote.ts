/** Helpers for the "remote" edits tests make as if someone used the platform's own UI. */
import type { RemoteControl } from './types.ts';

/** The entity a remote edit names; an unknown id is a mistake in the test, so it throws. */
export function mustExist<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`no ${what}`);
  return value;
}

/** A remote edit: the fields change and `touch` moves the modified time, as a save in the UI does. */
export function editWith<E extends object>(find: (id: string) => E, touch: (entity: E) => void): RemoteControl['edit'] {
  return (id, patch) => {
    const entity = find(id);
    Object.assign(entity, patch);
    touch(entity);
  };
}

type SoftDeletable = { id: string; deleted?: boolean };

/** A level of an ads tree (ad sets, ads): its entities and how each names its parent's id. */
export type TreeLevel<E extends SoftDeletable> = readonly [items: readonly E[], parentId: (entity: E) => string];

/**
 * Soft-deletes `root` and what hangs below it in a campaign → ad set → ad tree, as platforms
 * cascade a delete: the ad sets that are or belong to it, then the ads in those. Entities
 * already deleted keep their modified time.
 */
export function softDeleteTree<R extends SoftDeletable, S extends SoftDeletable, A extends SoftDeletable>(
  root: R,
  [sets, setParent]: TreeLevel<S>,
  [ads, adParent]: TreeLevel<A>,
  touch: (entity: R | S | A) => void,
): void {
  const gone = new Set(sets.filter((s) => s.id === root.id || setParent(s) === root.id).map((s) => s.id));
  for (const entity of [root, ...sets.filter((s) => gone.has(s.id)), ...ads.filter((a) => gone.has(adParent(a)))]) {
    if (entity.deleted) continue;
    entity.deleted = true;
    touch(entity);
  }
}
