import type { ProviderModule } from '../contracts/module.ts';
import { tiktokConnector } from './connector.ts';
import { tiktokProvider } from './provider.ts';
import { tiktokAdsSync } from './sync.ts';
import { tiktokWebhooks } from './webhooks.ts';
import { tiktokAdsWrite } from './write.ts';

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const tiktok = {
  definition: tiktokProvider,
  connector: tiktokConnector,
  ads: { sync: tiktokAdsSync, write: tiktokAdsWrite },
  webhooks: tiktokWebhooks,
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
