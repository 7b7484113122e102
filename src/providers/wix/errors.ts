import type { PlexusError } from '../../core/errors.ts';
import { classifyHttp } from '../kit/errors.ts';
import type { HttpResponse } from '../kit/http.ts';

/**
 * cms.md §6.6: `{message, details: {applicationError{code, description} | validationError
 * {fieldViolations[{field, description}]}}}`. Field violations join the message so a refused
 * write says which field; the status keeps its generic meaning.
 */
export function classifyWix(res: HttpResponse): PlexusError | undefined {
  if (res.status < 400) return undefined;
  const b = res.body as
    | {
        message?: unknown;
        details?: { validationError?: { fieldViolations?: { field?: string; description?: string }[] } };
      }
    | undefined;
  const base = b?.message;
  if (typeof base !== 'string' || !base) return undefined;
  const violations = (b?.details?.validationError?.fieldViolations ?? [])
    .map((v) => [v.field, v.description].filter(Boolean).join(': '))
    .filter((v) => v && !base.includes(v));
  return classifyHttp({ ...res, body: { message: violations.length ? `${base} (${violations.join('; ')})` : base } });
}
