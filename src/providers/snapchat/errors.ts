import { plexusError, type PlexusError } from '../../core/errors.ts';
import { classifyHttp } from '../kit/errors.ts';
import type { HttpResponse } from '../kit/http.ts';

interface SnapEnvelope {
  request_status?: string;
  msg?: string;
  display_message?: string;
  debug_message?: string;
  error_code?: string;
  [key: string]: unknown;
}

/** `"Error code: E2023, message: …"` (ads.md §6.8) split into its code and message. */
export function parseReason(reason: string): { code?: string; message: string } {
  const m = /^Error code:\s*([A-Z]\d+)\s*,\s*message:\s*([\s\S]*)$/.exec(reason.trim());
  return m ? { code: m[1] as string, message: (m[2] as string).trim() } : { message: reason };
}

/** The first refused entity's reason in a `{<key>: [{sub_request_status, sub_request_error_reason}]}` body. */
export function subRequestError(body: SnapEnvelope): string | undefined {
  for (const v of Object.values(body)) {
    if (!Array.isArray(v)) continue;
    for (const item of v as Array<{ sub_request_status?: string; sub_request_error_reason?: string }>) {
      if (item?.sub_request_status === 'ERROR') return item.sub_request_error_reason ?? 'The entity was refused';
    }
  }
  return undefined;
}

/**
 * Snapchat errors (ads.md §6.8): `request_status: "ERROR"` with a top-level message (`msg`, or
 * `display_message` / `debug_message`) or per-entity `sub_request_error_reason`s carrying an
 * E-code. The HTTP status picks the Plexus code as usual; a refused entity becomes a 422 with
 * Snapchat's message and its E-code in the details.
 */
export function classifySnapchat(res: HttpResponse): PlexusError | undefined {
  const body = res.body as SnapEnvelope | undefined;
  if (!body || typeof body !== 'object' || body.request_status?.toUpperCase() !== 'ERROR') return undefined;
  const reason = subRequestError(body);
  const parsed = reason ? parseReason(reason) : undefined;
  const message = parsed?.message ?? body.display_message ?? body.debug_message ?? body.msg ?? `HTTP ${res.status}`;
  const code = parsed?.code ?? body.error_code;
  const generic = classifyHttp({ ...res, body: { message } }) ?? plexusError('provider.invalid_request', { message });
  if (generic.code !== 'provider.invalid_request') return generic;
  return plexusError('provider.invalid_request', {
    message,
    details: { status: res.status, ...(code ? { code } : {}) },
  });
}
