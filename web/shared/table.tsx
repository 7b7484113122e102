import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ErrorNotice, Loading } from './layout.tsx';
import { strings } from './strings.ts';
import type { Resource } from './use-resource.ts';

export interface Column<T> {
  header: string;
  cell: (row: T) => ComponentChildren;
  numeric?: boolean;
}

/** A table with a caption (its accessible name) and header cells; an empty list says so. */
export function DataTable<T>({
  caption,
  columns,
  rows,
  rowKey,
}: {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
}) {
  return (
    <table class="data">
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" class={c.numeric ? 'num' : undefined}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={columns.length}>{strings.table.empty}</td>
          </tr>
        ) : (
          rows.map((r) => (
            <tr key={rowKey(r)}>
              {columns.map((c) => (
                <td class={c.numeric ? 'num' : undefined}>{c.cell(r)}</td>
              ))}
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

/**
 * Keyset pages as the API gives them (`next_cursor`): the cursors of the pages already seen
 * are kept so that "Previous" goes back without offsets. `reset()` returns to the first page
 * (call it when filters change).
 */
export function useCursorPages() {
  const [stack, setStack] = useState<(string | undefined)[]>([undefined]);
  const cursor = stack[stack.length - 1];
  return {
    cursor,
    pageNumber: stack.length,
    next: (c: string) => setStack((s) => [...s, c]),
    previous: () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)),
    reset: () => setStack([undefined]),
  };
}

export function Pagination({
  pages,
  nextCursor,
}: {
  pages: ReturnType<typeof useCursorPages>;
  nextCursor: string | null | undefined;
}) {
  return (
    <nav class="pagination" aria-label={strings.table.pagination}>
      <button type="button" disabled={pages.pageNumber === 1} onClick={pages.reset}>
        {strings.table.firstPage}
      </button>
      <button type="button" disabled={pages.pageNumber === 1} onClick={pages.previous}>
        {strings.table.previousPage}
      </button>
      <span aria-live="polite">{strings.table.pageN(pages.pageNumber)}</span>
      <button type="button" disabled={!nextCursor} onClick={() => nextCursor && pages.next(nextCursor)}>
        {strings.table.nextPage}
      </button>
    </nav>
  );
}

/** A list answer of the API (`{data, next_cursor}`) as a table with its pages, its error and its loading state. */
export function PagedTable<T>({
  list,
  pages,
  caption,
  columns,
  rowKey,
}: {
  list: Resource<{ data: T[]; next_cursor: string | null }>;
  pages: ReturnType<typeof useCursorPages>;
  caption: string;
  columns: Column<T>[];
  rowKey: (row: T) => string;
}) {
  return (
    <>
      {list.error && <ErrorNotice error={list.error} onRetry={list.reload} />}
      {list.data ? (
        <>
          <DataTable caption={caption} rows={list.data.data} rowKey={rowKey} columns={columns} />
          <Pagination pages={pages} nextCursor={list.data.next_cursor} />
        </>
      ) : (
        !list.error && <Loading />
      )}
    </>
  );
}
