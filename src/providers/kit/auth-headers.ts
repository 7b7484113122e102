import type { DecryptedCredentials } from '../../vault/credentials.ts';
import type { ConnectorContext } from '../contracts/connector.ts';
import type { HttpRequest } from './http.ts';
import { oauth1Header } from './oauth1.ts';
import { expand } from './urls.ts';

/** Headers that authenticate a call, from the definition: Bearer, a named header, Basic or OAuth 1.0a. */
export function defaultAuthHeaders(
  ctx: ConnectorContext,
  creds: DecryptedCredentials,
  req: HttpRequest,
): Record<string, string> {
  const out: Record<string, string> = {};
  const vars = { version: ctx.def.api.version, ...ctx.def.api.pathVersions, ...ctx.app.extra, ...ctx.config };
  for (const [k, v] of Object.entries(ctx.def.api.headers ?? {})) {
    try {
      out[k] = expand(v, vars);
    } catch {
      // an optional header whose value is not configured is simply not sent
    }
  }
  for (const field of ctx.def.connectionConfig ?? []) {
    const v = ctx.config[field.name];
    if (field.header && v) out[field.header] = v;
  }
  const auth = ctx.def.auth;
  switch (auth.kind) {
    case 'oauth2':
      if (auth.tokenTransport)
        out[auth.tokenTransport.header] = `${auth.tokenTransport.prefix}${creds.accessToken ?? ''}`;
      else out.authorization = `Bearer ${creds.accessToken ?? ''}`;
      break;
    case 'oauth1a':
      out.authorization = oauth1Header(
        req.method,
        req.url,
        {
          consumerKey: ctx.app.clientId ?? '',
          consumerSecret: ctx.app.clientSecret ?? '',
          ...(creds.accessToken ? { token: creds.accessToken } : {}),
          ...(creds.tokenSecret ? { tokenSecret: creds.tokenSecret } : {}),
        },
        req.form ? { form: req.form } : {},
      );
      break;
    default:
      if (auth.transport === 'basic') {
        out.authorization = `Basic ${Buffer.from(`${creds.username ?? ''}:${creds.password ?? ''}`).toString('base64')}`;
      } else if (auth.transport === 'bearer') {
        out.authorization = `Bearer ${creds.accessToken ?? ''}`;
      } else if (auth.header) {
        out[auth.header] = creds.accessToken ?? '';
      }
  }
  return out;
}
