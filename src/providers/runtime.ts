import type { Clock } from '../core/clock.ts';
import { originEntry, parseAllowList, type SsrfPolicy } from '../security/ssrf.ts';
import { loadProviderApps, type ProviderApps } from './apps.ts';
import type { ProviderRuntime } from './context.ts';
import { ProviderHttp } from './kit/http.ts';

/**
 * Platform apps from the environment and the one HTTP client for platform calls. Hosts of
 * configured base-URL overrides (a sandbox, a proxy) are set by the operator, so they join
 * the SSRF allow-list; user-typed URLs never do.
 */
export function createProviderRuntime(
  clock: Clock,
  env: NodeJS.ProcessEnv = process.env,
  apps: ProviderApps = loadProviderApps(env),
): ProviderRuntime & { ssrf: SsrfPolicy; close(): Promise<void> } {
  const ssrf = parseAllowList(env.PLEXUS_SSRF_ALLOW_HOSTS);
  const allow = new Set(ssrf.allowHosts);
  for (const app of Object.values(apps)) if (app.baseUrl) allow.add(originEntry(app.baseUrl));
  const policy: SsrfPolicy = { allowHosts: allow };
  const http = new ProviderHttp(policy);
  return { apps, http, clock, ssrf: policy, close: () => http.close() };
}
