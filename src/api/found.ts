import { plexusError } from '../core/errors.ts';

/** The row, or the API's 404 saying what there is no such of. */
export function found<T>(row: T | null | undefined, message: string): T {
  if (!row) throw plexusError('not_found', { message });
  return row;
}
