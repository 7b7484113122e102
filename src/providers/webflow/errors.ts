import type { PlexusError } from '../../core/errors.ts';
import { classifyHttp } from '../kit/errors.ts';
import type { HttpResponse } from '../kit/http.ts';

/**
 * cms.md §5.6: `{code, message, externalReference, details[]}`. A validation error's message is
 * just "Validation Error"; the details say which field and why, so they join the message.
 */
export function classifyWebflow(res: HttpResponse): PlexusError | undefined {
  if (res.status < 400) return undefined;
  const b = res.body as { message?: unknown; details?: unknown } | undefined;
  if (typeof b?.message !== 'string' || !b.message) return undefined;
  const details = (Array.isArray(b.details) ? b.details : [])
    .map((d) => {
      if (typeof d === 'string') return d;
      const o = (d ?? {}) as Record<string, unknown>;
      return [o.param ?? o.field, o.description ?? o.message].filter((x) => typeof x === 'string' && x).join(': ');
    })
    .filter(Boolean);
  return classifyHttp({
    ...res,
    body: { message: details.length ? `${b.message}: ${details.join('; ')}` : b.message },
  });
}
