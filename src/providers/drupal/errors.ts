import { plexusError, type PlexusError } from '../../core/errors.ts';
import { classifyHttp } from '../kit/errors.ts';
import type { HttpResponse } from '../kit/http.ts';

interface JsonApiError {
  status?: unknown;
  detail?: unknown;
  title?: unknown;
  source?: { pointer?: unknown };
}

/**
 * JSON:API error documents (cms.md §2.6): the status decides retryability as usual; the message
 * joins every error's `detail` (a 422 carries one per violation, "<field>: <message>"), and the
 * `source.pointer`s are kept in `details.pointers` so callers can tell an entity-level
 * violation (`/data`) from a field's.
 */
export function classifyDrupal(res: HttpResponse): PlexusError | undefined {
  if (res.status < 400) return undefined;
  const errors = (res.body as { errors?: JsonApiError[] } | undefined)?.errors;
  if (!Array.isArray(errors) || !errors.length) return undefined;
  const generic = classifyHttp(res);
  if (!generic) return undefined;
  const text = (e: JsonApiError) =>
    typeof e.detail === 'string' && e.detail ? e.detail : typeof e.title === 'string' ? e.title : '';
  const message =
    errors
      .map(text)
      .filter(Boolean)
      .join(' ')
      .replace(/<[^>]*>/g, '')
      .replace(/\s+/g, ' ')
      .trim() || generic.message;
  const pointers = errors.flatMap((e) => (typeof e.source?.pointer === 'string' ? [e.source.pointer] : []));
  return plexusError(generic.code, {
    message,
    details: { status: res.status, ...(pointers.length ? { pointers } : {}) },
    ...(generic.retryAfterMs === undefined ? {} : { retryAfterMs: generic.retryAfterMs }),
  });
}

/** The `source.pointer`s a classified JSON:API failure carried. */
export function errorPointers(err: unknown): string[] {
  const details = (err as { details?: { pointers?: unknown } } | null)?.details;
  return Array.isArray(details?.pointers) ? (details.pointers as string[]) : [];
}

export function errorStatus(err: unknown): number | undefined {
  const status = (err as { details?: { status?: unknown } } | null)?.details?.status;
  return typeof status === 'number' ? status : undefined;
}
