import type { ProviderModule } from '../contracts/module.ts';
import { plexusCmsWebhookSupport, plexusCmsWebhooks } from '../kit/plexus-cms-webhooks.ts';
import { siteUrlConfig } from '../kit/self-hosted-site.ts';
import type { ProviderDefinition } from '../types.ts';
import { joomlaConnector } from './connector.ts';
import { joomlaContent } from './content.ts';

/** Joomla 4/5 Web Services API (com_content articles). */
export const joomlaProvider = {
  id: 'joomla',
  displayName: 'Joomla',
  mark: { letters: 'J', colour: '#1b4f8a' },
  credentialHelp:
    'That site did not accept the API token: copy it from Users → Manage → your user → Joomla API Token, and check the site URL.',
  family: 'cms',
  docsUrl: 'https://manual.joomla.org/docs/general-concepts/webservices/',
  api: {
    // cms.md §3.2: `/api/index.php/v1` works without URL rewriting.
    baseUrl: '{siteUrl}/api/index.php/{version}',
    version: 'v1',
    versionCarrier: 'path',
    // docs/platforms/joomla.md §Version: v1 is the only web-services version.
    lifecycle: {
      versions: {
        v1: { released: '2021-08-17', sunset: null },
      },
      source: 'https://manual.joomla.org/docs/general-concepts/webservices/',
      policy: 'The /api/index.php/v1 web services came with Joomla 4.0 and are kept by Joomla 5.',
    },
  },
  auth: {
    // cms.md §3.1: API token plugin, `Authorization: Bearer` (X-Joomla-Token as the alternative).
    kind: 'api_token',
    fields: [{ name: 'token', label: 'API token', secret: true }],
    transport: 'bearer',
    verifyPath: '/content/articles?page[limit]=1',
    refresh: 'none',
  },
  connectionConfig: siteUrlConfig,
  // cms.md §3.4: none in core; a Plexus companion extension signs with a per-connection secret.
  webhooks: plexusCmsWebhookSupport,
  rateLimit: {
    // cms.md §3.5: none in core.
    signals: ['http-429'],
  },
  // cms.md §3.2: page[offset]/page[limit] with next links; offset past the end is a 404.
  pagination: 'offset',
  // cms.md §3.2: default 20 and no cap found; 100 is Plexus's own ceiling.
  maxPageSize: 100,
  capabilities: ['content.read', 'content.write', 'content.taxonomy', 'webhooks.inbound'],
  secretHeaders: ['x-joomla-token'],
} as const satisfies ProviderDefinition;

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const joomla = {
  definition: joomlaProvider,
  connector: joomlaConnector,
  content: joomlaContent,
  webhooks: plexusCmsWebhooks,
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
