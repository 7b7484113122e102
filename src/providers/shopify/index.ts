import type { ProviderModule } from '../contracts/module.ts';
import { shopifyConnector } from './connector.ts';
import { shopifyContent } from './content.ts';
import { shopifyProvider } from './provider.ts';
import { shopifyWebhooks } from './webhooks.ts';

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const shopify = {
  definition: shopifyProvider,
  connector: shopifyConnector,
  content: shopifyContent,
  webhooks: shopifyWebhooks,
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
