import type { ProviderModule } from '../contracts/module.ts';
import { plexusCmsWebhooks } from '../kit/plexus-cms-webhooks.ts';
import { wordpressConnector } from './connector.ts';
import { wordpressContent } from './content.ts';
import { wordpressProvider } from './provider.ts';

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const wordpress = {
  definition: wordpressProvider,
  connector: wordpressConnector,
  content: wordpressContent,
  webhooks: plexusCmsWebhooks,
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
