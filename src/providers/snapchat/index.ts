import type { ProviderModule } from '../contracts/module.ts';
import { snapchatConnector } from './connector.ts';
import { snapchatProvider } from './provider.ts';
import { snapchatAdsSync } from './sync.ts';
import { snapchatAdsWrite } from './write.ts';

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const snapchat = {
  definition: snapchatProvider,
  connector: snapchatConnector,
  ads: { sync: snapchatAdsSync, write: snapchatAdsWrite },
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
