/** Helpers for the "remote" edits tests make as if someone used the platform's own UI. */

/** The entity a remote edit names; an unknown id is a mistake in the test, so it throws. */
export function mustExist<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`no ${what}`);
  return value;
}
