import type { ProviderModule } from '../contracts/module.ts';
import { plexusCmsWebhookSupport, plexusCmsWebhooks } from '../kit/plexus-cms-webhooks.ts';
import { siteUrlConfig } from '../kit/self-hosted-site.ts';
import type { ProviderDefinition } from '../types.ts';
import { drupalConnector } from './connector.ts';
import { drupalContent } from './content.ts';

/** Drupal 10/11 through the core JSON:API module. */
export const drupalProvider = {
  id: 'drupal',
  displayName: 'Drupal',
  mark: { letters: 'D', colour: '#00598e' },
  credentialHelp:
    'That site did not accept the username and password: use an account of that Drupal site that may use its JSON:API, and check the site URL.',
  family: 'cms',
  docsUrl: 'https://www.drupal.org/docs/core-modules-and-themes/core-modules/jsonapi-module',
  api: {
    baseUrl: '{siteUrl}/jsonapi',
    // cms.md §2.2: JSON:API paths carry no version; this is the spec version in `jsonapi.version`.
    version: '1.0',
    versionCarrier: 'none',
    // docs/platforms/drupal.md §Version: the JSON:API spec version the core module speaks.
    lifecycle: {
      versions: {
        '1.0': { released: '2019-05-01', sunset: null },
      },
      source: 'https://www.drupal.org/docs/core-modules-and-themes/core-modules/jsonapi-module',
      policy: 'JSON:API is a core module (since Drupal 8.7) with no versioned paths; it follows Drupal core releases.',
    },
  },
  auth: {
    // cms.md §2.1: core basic_auth module (simple_oauth is contrib).
    kind: 'app_password',
    fields: [
      { name: 'username', label: 'Username', secret: false },
      { name: 'password', label: 'Password', secret: true },
    ],
    transport: 'basic',
    // The JSON:API entry point; failed Basic credentials fall back to anonymous, so a
    // successful answer alone does not prove the account (cms.md §2.1 names no "who am I" route).
    verifyPath: '/',
    refresh: 'none',
  },
  connectionConfig: siteUrlConfig,
  // cms.md §2.4: none in core; a Plexus companion module signs with a per-connection secret.
  webhooks: plexusCmsWebhookSupport,
  rateLimit: {
    // cms.md §2.5: none in core.
    signals: ['http-429'],
  },
  // cms.md §2.2: follow links.next.href; page[limit] above 50 is silently capped.
  pagination: 'next-link',
  maxPageSize: 50,
  // Writes need jsonapi.settings read_only turned off on the site (cms.md §2.2).
  capabilities: ['content.read', 'content.write', 'content.taxonomy', 'content.media', 'webhooks.inbound'],
} as const satisfies ProviderDefinition;

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const drupal = {
  definition: drupalProvider,
  connector: drupalConnector,
  content: drupalContent,
  webhooks: plexusCmsWebhooks,
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
