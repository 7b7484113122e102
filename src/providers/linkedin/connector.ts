import { plexusError, type PlexusError } from '../../core/errors.ts';
import type { Connector } from '../contracts/connector.ts';
import { apiGet } from '../kit/api-call.ts';
import type { HttpResponse } from '../kit/http.ts';

interface InputError {
  description?: string;
  code?: string;
  input?: { inputPath?: { fieldPath?: string } };
}

interface ErrorBody {
  status?: number;
  serviceErrorCode?: number;
  code?: string;
  message?: string;
  errorDetails?: { inputErrors?: InputError[] };
}

/**
 * ads.md §4.1: 65601 is a revoked token (a person must reconnect); 65600/65602 may refresh.
 * ads.md §4.8: a refused write is a 400 whose `errorDetails.inputErrors` say which field and why;
 * those descriptions are the message, the first one's code and field path the details.
 */
export function classifyLinkedIn(res: HttpResponse): PlexusError | undefined {
  const b = res.body as ErrorBody | undefined;
  // docs/platforms/linkedin.md §Version: a sunset (or never released) LinkedIn-Version answers 426.
  if (res.status === 426) {
    return plexusError('provider.version_sunset', {
      message: b?.message ?? 'The LinkedIn-Version is no longer served.',
      details: { status: 426, ...(b?.code ? { code: b.code } : {}) },
    });
  }
  if (res.status === 401 && b?.serviceErrorCode === 65601) {
    return plexusError('provider.auth_revoked', {
      message: b.message ?? 'Revoked access token',
      details: { status: 401, code: b.code },
    });
  }
  if ((res.status === 400 || res.status === 409 || res.status === 422) && b && typeof b === 'object') {
    const inputs = b.errorDetails?.inputErrors ?? [];
    const first = inputs[0];
    const messages = inputs.map((e) => e.description).filter((d): d is string => !!d);
    const field = first?.input?.inputPath?.fieldPath;
    const code = first?.code ?? b.code;
    return plexusError('provider.invalid_request', {
      message: (messages.length ? messages.join('; ') : (b.message ?? `HTTP ${res.status}`)).slice(0, 500),
      details: {
        status: res.status,
        ...(code ? { code } : {}),
        ...(b.serviceErrorCode !== undefined ? { service_error_code: b.serviceErrorCode } : {}),
        ...(field ? { field } : {}),
      },
    });
  }
  return undefined;
}

export const linkedinConnector: Connector = {
  classify: classifyLinkedIn,

  async identify(ctx, creds) {
    const res = await apiGet(
      linkedinConnector,
      ctx,
      creds,
      '/adAccounts?q=search&search=(status:(values:List(ACTIVE,DRAFT)))&pageSize=100',
    );
    const elements = (res.body as { elements?: { id: number | string; name?: string }[] }).elements ?? [];
    const first = elements[0];
    if (!first) throw plexusError('provider.invalid_request', { message: 'This LinkedIn member has no ad accounts.' });
    return {
      externalAccountId: String(first.id),
      displayName: first.name ?? `LinkedIn ad account ${first.id}`,
      config: { adAccountIds: elements.map((e) => String(e.id)).join(',') },
      accountRefs: elements.flatMap((e) => [String(e.id), `urn:li:sponsoredAccount:${e.id}`]),
    };
  },
};
