/** The OAuth app settings every sandbox with a consent step shares. */
import type { SandboxOptions } from './types.ts';

/** The OAuth app a sandbox accepts, as its config holds it. */
export interface SandboxApp {
  clientId: string;
  clientSecret: string;
  appName: string;
  autoConsent: boolean;
}

/** The caller's app settings, or the platform's sandbox credentials and the shared defaults. */
export function sandboxApp(opts: SandboxOptions, defaults: { clientId: string; clientSecret: string }): SandboxApp {
  return {
    clientId: opts.clientId ?? defaults.clientId,
    clientSecret: opts.clientSecret ?? defaults.clientSecret,
    appName: opts.appName ?? 'Plexus',
    autoConsent: opts.autoConsent ?? false,
  };
}
