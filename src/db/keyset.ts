/**
 * A keyset position: the sort time and id of the last row seen. Lists read the rows after it
 * with `(time, id) < (at, id)`, so pages stay stable under inserts and never scan an OFFSET.
 */
export interface Cursor {
  at: string;
  id: string;
}

/** The cursor's `at` and `id` as query parameters: both null on the first page. */
export function cursorParams(cursor: Cursor | undefined): [string | null, string | null] {
  return [cursor?.at ?? null, cursor?.id ?? null];
}
