import type { ProviderModule } from '../contracts/module.ts';
import { wixConnector } from './connector.ts';
import { wixContent } from './content.ts';
import { wixProvider } from './provider.ts';
import { wixWebhooks } from './webhooks.ts';

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const wix = {
  definition: wixProvider,
  connector: wixConnector,
  content: wixContent,
  webhooks: wixWebhooks,
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
