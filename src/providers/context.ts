import type { SsrfPolicy } from '../security/ssrf.ts';
import type { Clock } from '../core/clock.ts';
import type { ProviderApps } from './apps.ts';
import type { ConnectorContext } from './contracts/connector.ts';
import type { ProviderHttp } from './kit/http.ts';
import { expand, withOrigin } from './kit/urls.ts';
import { type ProviderId, providers } from './registry.ts';
import { noteProvider } from '../operations/context.ts';

export interface ProviderRuntime {
  apps: ProviderApps;
  http: ProviderHttp;
  clock: Clock;
  /** Plexus's own public base URL, for addresses given to platforms (webhook callbacks). */
  callbackBaseUrl?: () => string | undefined;
  /** The process's SSRF policy (PLEXUS_SSRF_ALLOW_HOSTS as parsed at start), for other outbound calls. */
  ssrf?: SsrfPolicy;
}

/** A connector context for one provider and one connection's settings. */
export function connectorContext(
  rt: ProviderRuntime,
  id: ProviderId,
  config: Readonly<Record<string, string>> = {},
): ConnectorContext {
  const def = providers[id];
  noteProvider(id);
  const app = rt.apps[id];
  const vars = { version: def.api.version, ...def.api.pathVersions, ...app.extra, ...config };
  return {
    def,
    app,
    http: rt.http,
    clock: rt.clock,
    config,
    url: (template) => withOrigin(expand(template, vars), app.baseUrl),
  };
}
