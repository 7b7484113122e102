import { useState } from 'preact/hooks';

/**
 * Filters kept in the address (`?provider=meta&status=active`), so a reload or a shared link
 * shows the same list. Changes replace the history entry rather than adding one, and take the
 * list back to its first page (`pages`).
 */
export function useQueryState<K extends string>(
  initial: URLSearchParams,
  keys: readonly K[],
  pages?: { reset(): void },
): [Record<K, string>, (k: K, v: string) => void] {
  const [values, setValues] = useState(
    () => Object.fromEntries(keys.map((k) => [k, initial.get(k) ?? ''])) as Record<K, string>,
  );
  const set = (k: K, v: string) => {
    const next = { ...values, [k]: v };
    setValues(next);
    const q = new URLSearchParams(location.search);
    if (v) q.set(k, v);
    else q.delete(k);
    const search = q.toString();
    history.replaceState(null, '', `${location.pathname}${search ? `?${search}` : ''}`);
    pages?.reset();
  };
  return [values, set];
}
