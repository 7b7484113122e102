import type { ProviderModule } from '../contracts/module.ts';
import type { ProviderDefinition } from '../types.ts';
import { wixConnector } from './connector.ts';
import { wixContent } from './content.ts';
import { wixWebhooks } from './webhooks.ts';

/** Wix REST APIs (Blog v3 and CMS Data Items v2) with an account API key. */
export const wixProvider = {
  id: 'wix',
  displayName: 'Wix',
  mark: { letters: 'Wx', colour: '#1f1f1f' },
  credentialHelp:
    'Wix did not accept the API key: create one in the API Keys Manager of your Wix account with access to Blog and CMS, and check the site ID.',
  family: 'cms',
  docsUrl: 'https://dev.wix.com/docs/rest',
  api: {
    baseUrl: 'https://www.wixapis.com',
    // cms.md §6.2: no global version; each API has its own (`/blog/v3`, `/wix-data/v2`).
    version: 'per-api',
    versionCarrier: 'none',
    pathVersions: { blogVersion: 'v3', dataVersion: 'v2' },
    // docs/platforms/wix.md §Version: no global version; blog v3 and wix-data v2 are the current ones.
    lifecycle: {
      versions: {
        'per-api': { released: '2023-01', sunset: null },
      },
      source: 'https://dev.wix.com/docs/rest',
      policy:
        'Each Wix API carries its own version in its path (blog v3, wix-data v2); Wix announces deprecations per API.',
    },
  },
  auth: {
    // cms.md §6.1: API keys do not expire; the current app OAuth is a client-credentials grant
    // per app instance, which the connect flow here does not model.
    kind: 'api_key',
    fields: [{ name: 'apiKey', label: 'API key', secret: true }],
    // cms.md §6.1: the raw key, no `Bearer ` prefix.
    transport: 'header',
    header: 'Authorization',
    verifyPath: '/blog/{blogVersion}/posts',
    refresh: 'none',
  },
  connectionConfig: [
    // cms.md §6.1: site-level APIs need exactly one `wix-site-id` beside the key.
    { name: 'siteId', label: 'Site ID', secret: false, header: 'wix-site-id' },
    // cms.md §6.4: webhooks name the app instance, not the site; needed only to route them.
    { name: 'instanceId', label: 'App instance ID (for webhooks)', secret: false, optional: true },
  ],
  webhooks: {
    supported: true,
    // cms.md §6.4: the body is an RS256 JWT verified with the app's public key; no signature header.
    scheme: 'jwt-rs256',
    signatureHeader: '',
    secretSource: 'public_key',
    // Subscriptions are configured on the app in the Wix dashboard.
    subscribeApi: false,
    topics: ['wix.data.v2.data_item_created', 'wix.data.v2.data_item_updated', 'wix.data.v2.data_item_deleted'],
    retryPolicy: 'Answer 200 within 1,250 ms or Wix re-delivers (possibly out of order), for up to 48 hours.',
  },
  rateLimit: {
    signals: ['http-429'],
    // cms.md §6.5: 200 requests/min per app instance (older docs).
    requestsPerMinute: 200,
  },
  // cms.md §6.2: cursorPaging {limit, cursor} → pagingMetadata.cursors.next.
  pagination: 'cursor',
  // cms.md §6.2: data query default 50 (max unconfirmed); blog list 100 is unconfirmed.
  maxPageSize: 50,
  capabilities: ['content.read', 'content.write', 'content.bulk', 'content.taxonomy', 'webhooks.inbound'],
} as const satisfies ProviderDefinition;

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const wix = {
  definition: wixProvider,
  connector: wixConnector,
  content: wixContent,
  webhooks: wixWebhooks,
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
