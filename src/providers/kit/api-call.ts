import type { DecryptedCredentials } from '../../vault/credentials.ts';
import type { Connector, ConnectorContext } from '../contracts/connector.ts';
import { defaultAuthHeaders } from './auth-headers.ts';
import { throughCircuit } from './circuit.ts';
import { classifyHttp } from './errors.ts';
import type { HttpRequest, HttpResponse } from './http.ts';

/**
 * One authenticated platform call: auth and version headers added, the answer classified
 * (the provider's own mapping first, then the generic one), through the platform's circuit
 * breaker. Resolves only on success.
 */
export async function apiCall(
  connector: Connector,
  ctx: ConnectorContext,
  creds: DecryptedCredentials,
  req: HttpRequest,
): Promise<HttpResponse> {
  const headers = {
    ...(connector.authHeaders ? connector.authHeaders(ctx, creds, req) : defaultAuthHeaders(ctx, creds, req)),
    ...req.headers,
  };
  return throughCircuit(ctx.def.id, async () => {
    const res = await ctx.http.send({ ...req, headers });
    const err = connector.classify?.(res) ?? classifyHttp(res);
    if (err) throw err;
    return res;
  });
}

/** An API path under the provider's base URL (with `{version}` and config filled in). */
export function apiUrl(ctx: ConnectorContext, path: string): string {
  const joined = `${ctx.def.api.baseUrl.replace(/\/$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
  // A base that is itself a query (WordPress `?rest_route=/wp/v2`) takes the path's query with `&`.
  const first = joined.indexOf('?');
  const fixed = first < 0 ? joined : joined.slice(0, first + 1) + joined.slice(first + 1).replaceAll('?', '&');
  return ctx.url(fixed);
}

/** A GET of a path under the provider's base URL, the call most reads are. */
export function apiGet(
  connector: Connector,
  ctx: ConnectorContext,
  creds: DecryptedCredentials,
  path: string,
  headers?: Record<string, string>,
): Promise<HttpResponse> {
  return apiCall(connector, ctx, creds, { method: 'GET', url: apiUrl(ctx, path), ...(headers ? { headers } : {}) });
}
