import type { ProviderModule } from '../contracts/module.ts';
import { plexusCmsWebhookSupport, plexusCmsWebhooks } from '../kit/plexus-cms-webhooks.ts';
import { siteUrlConfig } from '../kit/self-hosted-site.ts';
import type { ProviderDefinition } from '../types.ts';
import { wordpressConnector } from './connector.ts';
import { wordpressContent } from './content.ts';

/** Self-hosted WordPress through the core REST API (`wp/v2`) and Application Passwords. */
export const wordpressProvider = {
  id: 'wordpress',
  displayName: 'WordPress',
  mark: { letters: 'W', colour: '#135e96' },
  credentialHelp:
    'That site did not accept the application password: create one in Users → Profile → Application Passwords (WordPress 5.6 or later), and sign in with the username of that profile.',
  family: 'cms',
  docsUrl: 'https://developer.wordpress.org/rest-api/',
  api: {
    // cms.md §1.2/§1.8: `?rest_route=` works in every permalink mode; extra params join with `&`.
    baseUrl: '{siteUrl}/index.php?rest_route=/wp/{version}',
    version: 'v2',
    versionCarrier: 'path',
    // docs/platforms/wordpress.md §Version: wp/v2 has been the core namespace since WordPress 4.7.
    lifecycle: {
      versions: {
        v2: { released: '2016-12-06', sunset: null },
      },
      source: 'https://developer.wordpress.org/rest-api/',
      policy: 'The wp/v2 namespace ships with WordPress core (since 4.7) and changes additively with core releases.',
    },
  },
  auth: {
    // cms.md §1.1: Basic user:app-password; only honoured over HTTPS or in a `local` environment.
    kind: 'app_password',
    fields: [
      { name: 'username', label: 'Username or email', secret: false },
      { name: 'applicationPassword', label: 'Application password', secret: true },
    ],
    transport: 'basic',
    // Anonymous requests get 401 here, so it also catches credentials WordPress silently ignored.
    verifyPath: '/users/me',
    refresh: 'none',
  },
  connectionConfig: siteUrlConfig,
  // cms.md §1.4: no webhooks in core; a Plexus companion plugin signs with a per-connection
  // secret, and polling by modified_gmt stays the baseline.
  webhooks: plexusCmsWebhookSupport,
  rateLimit: {
    // cms.md §1.5: none in core; hosts and security plugins may still answer 429.
    signals: ['http-429', 'retry-after-header'],
  },
  // cms.md §1.2: page/per_page with X-WP-TotalPages; per_page above 100 is a 400.
  pagination: 'page-number',
  maxPageSize: 100,
  capabilities: [
    'content.read',
    'content.write',
    'content.bulk',
    'content.taxonomy',
    'content.media',
    'webhooks.inbound',
  ],
} as const satisfies ProviderDefinition;

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const wordpress = {
  definition: wordpressProvider,
  connector: wordpressConnector,
  content: wordpressContent,
  webhooks: plexusCmsWebhooks,
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
