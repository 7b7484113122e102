import type { ProviderApp } from './contracts/app.ts';
import { PROVIDER_IDS, type ProviderId } from './registry.ts';

/** Every registered provider's app; see `ProviderApp` for the variables read. */
export type ProviderApps = Record<ProviderId, ProviderApp>;

export const envPrefix = (id: string) => `PLEXUS_${id.toUpperCase().replaceAll('-', '_')}_`;

const camel = (s: string) => s.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export function loadProviderApps(env: NodeJS.ProcessEnv = process.env): ProviderApps {
  const apps = {} as ProviderApps;
  for (const id of PROVIDER_IDS) {
    const prefix = envPrefix(id);
    const extra: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) {
      if (!k.startsWith(prefix) || !v) continue;
      const name = k.slice(prefix.length);
      if (name === 'CLIENT_ID' || name === 'CLIENT_SECRET' || name === 'BASE_URL') continue;
      extra[camel(name)] = v;
    }
    apps[id] = {
      clientId: env[`${prefix}CLIENT_ID`] || undefined,
      clientSecret: env[`${prefix}CLIENT_SECRET`] || undefined,
      baseUrl: env[`${prefix}BASE_URL`] || undefined,
      extra,
    };
  }
  return apps;
}
