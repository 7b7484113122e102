import type { ProviderModule } from '../contracts/module.ts';
import { plexusCmsWebhooks } from '../kit/plexus-cms-webhooks.ts';
import { drupalConnector } from './connector.ts';
import { drupalContent } from './content.ts';
import { drupalProvider } from './provider.ts';

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const drupal = {
  definition: drupalProvider,
  connector: drupalConnector,
  content: drupalContent,
  webhooks: plexusCmsWebhooks,
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
