import type { ProviderModule } from '../contracts/module.ts';
import { metaConnector } from './connector.ts';
import { metaProvider } from './provider.ts';
import { metaAdsSync } from './sync.ts';
import { metaWebhooks } from './webhooks.ts';
import { metaAdsWrite } from './write.ts';

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const meta = {
  definition: metaProvider,
  connector: metaConnector,
  ads: { sync: metaAdsSync, write: metaAdsWrite },
  webhooks: metaWebhooks,
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
