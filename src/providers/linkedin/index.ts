import type { ProviderModule } from '../contracts/module.ts';
import { linkedinConnector } from './connector.ts';
import { linkedinProvider } from './provider.ts';
import { linkedinAdsSync } from './sync.ts';
import { linkedinWebhooks } from './webhooks.ts';
import { linkedinAdsWrite } from './write.ts';

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const linkedin = {
  definition: linkedinProvider,
  connector: linkedinConnector,
  ads: { sync: linkedinAdsSync, write: linkedinAdsWrite },
  webhooks: linkedinWebhooks,
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
