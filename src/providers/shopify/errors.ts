import type { PlexusError } from '../../core/errors.ts';
import { classifyHttp } from '../kit/errors.ts';
import type { HttpResponse } from '../kit/http.ts';

/**
 * Answers that are not GraphQL results: a 401 `{"errors": "[API] Invalid API key or access
 * token …"}`, a 404 for an unknown version, 402/423 for a frozen or locked shop, 5xx; an error
 * object (`{"errors": {"query": "Required parameter missing"}}`) becomes "query Required …".
 * The status keeps its generic meaning. GraphQL errors in a 200 are read by graphql-call.ts.
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
