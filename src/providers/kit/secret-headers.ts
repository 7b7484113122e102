import type { ProviderDefinition } from '../types.ts';

/** Every header name a definition's credentials may travel in, lower-cased, for redaction. */
export function secretHeaders(def: ProviderDefinition): string[] {
  const names = [...(def.secretHeaders ?? [])];
  const auth = def.auth;
  if (auth.kind === 'oauth2' && auth.tokenTransport) names.push(auth.tokenTransport.header);
  if (
    (auth.kind === 'app_password' || auth.kind === 'api_token' || auth.kind === 'api_key') &&
    auth.transport === 'header' &&
    auth.header
  )
    names.push(auth.header);
  for (const f of def.connectionConfig ?? []) if (f.secret && f.header) names.push(f.header);
  return names.map((n) => n.toLowerCase());
}
