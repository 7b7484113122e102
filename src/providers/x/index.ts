import type { ProviderModule } from '../contracts/module.ts';
import { xConnector } from './connector.ts';
import { xProvider } from './provider.ts';
import { xAdsSync } from './sync.ts';
import { xAdsWrite } from './write.ts';

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const x = {
  definition: xProvider,
  connector: xConnector,
  ads: { sync: xAdsSync, write: xAdsWrite },
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
