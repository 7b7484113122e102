import type { PlexusError } from '../../core/errors.ts';
import { classifyHttp } from '../kit/errors.ts';
import type { HttpResponse } from '../kit/http.ts';

/**
 * cms.md §4.6: REST errors are `{"errors": "Not Found"}` or, for validation (422),
 * `{"errors": {"title": ["can't be blank"]}}`. The field list becomes the message
 * ("title can't be blank"); the status keeps its generic meaning (422 permanent, 429 with
 * Retry-After, 5xx retryable).
 */
export function classifyShopify(res: HttpResponse): PlexusError | undefined {
  if (res.status < 400) return undefined;
  const errors = (res.body as { errors?: unknown } | undefined)?.errors;
  let message: string | undefined;
  if (typeof errors === 'string') message = errors;
  else if (errors && typeof errors === 'object' && !Array.isArray(errors)) {
    message = Object.entries(errors as Record<string, unknown>)
      .map(([field, v]) => `${field} ${(Array.isArray(v) ? v : [v]).map(String).join(', ')}`)
      .join('; ');
  } else if (Array.isArray(errors)) message = errors.map(String).join('; ');
  return message ? classifyHttp({ ...res, body: { message } }) : undefined;
}
