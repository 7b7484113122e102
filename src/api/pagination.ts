import { z } from 'zod';
import { plexusError } from '../core/errors.ts';
import { isUuid } from '../core/ids.ts';
import type { Cursor } from '../db/keyset.ts';

/** Keyset pagination over (created_at desc, id desc): stable under inserts, no OFFSET scans. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export type { Cursor };

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify({ at: at.toISOString(), id })).toString('base64url');
}

/**
 * A cursor from `encodeCursor`, checked so that its values always reach the query as what
 * the column holds: a time PostgreSQL reads, and an id that is a UUID (or, for `idKind:
 * 'text'`, a short string without NUL). Anything else is a 400, never a database error.
 */
export function decodeCursor(cursor: string | undefined, idKind: 'uuid' | 'text' = 'uuid'): Cursor | undefined {
  if (!cursor) return undefined;
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Cursor>;
    const at = typeof c.at === 'string' ? new Date(c.at) : undefined;
    const id = c.id;
    const idOk =
      typeof id === 'string' &&
      (idKind === 'uuid' ? isUuid(id) : id.length > 0 && id.length <= 200 && !id.includes('\u0000'));
    if (at && !Number.isNaN(at.getTime()) && at.getUTCFullYear() >= 1970 && at.getUTCFullYear() <= 9999 && idOk)
      return { at: at.toISOString(), id };
  } catch {
    // fall through
  }
  throw plexusError('validation_failed', {
    message: 'Invalid cursor.',
    details: [{ path: 'cursor', in: 'querystring', message: 'not a cursor from this API' }],
  });
}

/**
 * The page and the cursor of the next one (fetch limit + 1 rows to know whether there is more),
 * its rows put in the API's shape by `format` when they are not in it already.
 */
export function page<T, O = T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => [Date, string],
  format?: (row: T) => O,
): { data: O[]; next_cursor: string | null } {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  const data = format ? kept.map((r) => format(r)) : (kept as unknown as O[]);
  return { data, next_cursor: more && last ? encodeCursor(...keyOf(last)) : null };
}

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable() });
