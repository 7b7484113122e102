import { plexusError, type PlexusError } from '../../core/errors.ts';
import type { Connector } from '../connector.ts';
import { apiCall, apiUrl } from '../kit/api-call.ts';
import type { HttpResponse } from '../kit/http.ts';

/** ads.md §4.1: 65601 is a revoked token (a person must reconnect); 65600/65602 may refresh. */
export function classifyLinkedIn(res: HttpResponse): PlexusError | undefined {
  const b = res.body as { serviceErrorCode?: number; message?: string; code?: string } | undefined;
  if (res.status === 401 && b?.serviceErrorCode === 65601) {
    return plexusError('provider.auth_revoked', { message: b.message ?? 'Revoked access token', details: { status: 401, code: b.code } });
  }
  return undefined;
}

export const linkedinConnector: Connector = {
  classify: classifyLinkedIn,

  async identify(ctx, creds) {
    const res = await apiCall(linkedinConnector, ctx, creds, {
      method: 'GET',
      url: apiUrl(ctx, '/adAccounts?q=search&search=(status:(values:List(ACTIVE,DRAFT)))&pageSize=100'),
    });
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
