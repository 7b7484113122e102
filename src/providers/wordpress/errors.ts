import { plexusError, type PlexusError } from '../../core/errors.ts';
import { classifyHttp } from '../kit/errors.ts';
import type { HttpResponse } from '../kit/http.ts';

interface WpErrorBody {
  code?: unknown;
  message?: unknown;
  data?: { status?: number; params?: unknown; term_id?: unknown } | null;
}

/**
 * WP_Error answers (cms.md §1.6): the status decides retryability as usual, but the message is
 * WordPress's own (with the per-field messages of `rest_invalid_param`) and the WordPress code
 * is kept in `details.code`, so callers can tell "no such post" from "no such route".
 */
export function classifyWordPress(res: HttpResponse): PlexusError | undefined {
  if (res.status < 400) return undefined;
  const b = res.body as WpErrorBody | undefined;
  if (!b || typeof b.code !== 'string' || typeof b.message !== 'string') return undefined;
  const generic = classifyHttp(res);
  if (!generic) return undefined;
  const params = b.data?.params;
  const perField =
    params && typeof params === 'object' && !Array.isArray(params)
      ? Object.values(params).filter((v): v is string => typeof v === 'string')
      : [];
  const message = stripTags([b.message, ...perField].join(' ')) || generic.message;
  return plexusError(generic.code, {
    message,
    details: { status: res.status, code: b.code, ...(b.data ? { data: b.data } : {}) },
    ...(generic.retryAfterMs === undefined ? {} : { retryAfterMs: generic.retryAfterMs }),
  });
}

/** The WordPress error code a classified failure carried, if any. */
export function wpErrorCode(err: unknown): string | undefined {
  const code = detailsOf(err)?.['code'];
  return typeof code === 'string' ? code : undefined;
}

/** The `data` member of the WP_Error behind a classified failure (e.g. `term_exists` names the term). */
export function wpErrorData(err: unknown): Record<string, unknown> | undefined {
  const data = detailsOf(err)?.['data'];
  return data && typeof data === 'object' ? (data as Record<string, unknown>) : undefined;
}

function detailsOf(err: unknown): Record<string, unknown> | undefined {
  const details = (err as { details?: unknown } | null)?.details;
  return details && typeof details === 'object' ? (details as Record<string, unknown>) : undefined;
}

function stripTags(s: string): string {
  return s
    .replace(/<[^>]*>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
