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

/** Soft-deletes a cascade (the entity and what hangs below it); ones already deleted keep their time. */
export function softDelete<E extends { deleted?: boolean }>(entities: readonly E[], touch: (entity: E) => void): void {
  for (const entity of entities) {
    if (entity.deleted) continue;
    entity.deleted = true;
    touch(entity);
  }
}
