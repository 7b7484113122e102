import { PROVIDER_IDS, type ProviderId } from './types.ts';

/**
 * A platform app's settings, from the environment: `PLEXUS_<ID>_CLIENT_ID`,
 * `PLEXUS_<ID>_CLIENT_SECRET`, `PLEXUS_<ID>_BASE_URL` (send every platform URL to this origin
 * instead: the sandbox, a proxy), and any other `PLEXUS_<ID>_<NAME>` as an extra value that
 * definitions reference as `{camelName}` (e.g. `PLEXUS_GOOGLE_ADS_DEVELOPER_TOKEN` →
 * `{developerToken}`). `<ID>` is the provider id upper-cased with `-` as `_`.
 */
export interface ProviderApp {
  clientId: string | undefined;
  clientSecret: string | undefined;
  baseUrl: string | undefined;
  extra: Readonly<Record<string, string>>;
}

export type ProviderApps = Record<ProviderId, ProviderApp>;

export const envPrefix = (id: ProviderId) => `PLEXUS_${id.toUpperCase().replaceAll('-', '_')}_`;

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
