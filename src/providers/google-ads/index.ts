import type { ProviderModule } from '../contracts/module.ts';
import { googleAdsConnector } from './connector.ts';
import { googleAdsProvider } from './provider.ts';
import { googleAdsSync } from './sync.ts';
import { googleAdsWrite } from './write.ts';

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const googleAds = {
  definition: googleAdsProvider,
  connector: googleAdsConnector,
  ads: { sync: googleAdsSync, write: googleAdsWrite },
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
