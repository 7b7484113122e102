import type { ProviderModule } from '../contracts/module.ts';
import { plexusCmsWebhooks } from '../kit/plexus-cms-webhooks.ts';
import { joomlaConnector } from './connector.ts';
import { joomlaContent } from './content.ts';
import { joomlaProvider } from './provider.ts';

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const joomla = {
  definition: joomlaProvider,
  connector: joomlaConnector,
  content: joomlaContent,
  webhooks: plexusCmsWebhooks,
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
