import type { ProviderModule } from '../contracts/module.ts';
import { webflowConnector } from './connector.ts';
import { webflowContent } from './content.ts';
import { webflowProvider } from './provider.ts';
import { webflowWebhooks } from './webhooks.ts';

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const webflow = {
  definition: webflowProvider,
  connector: webflowConnector,
  content: webflowContent,
  webhooks: webflowWebhooks,
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
