import type { ProviderModule } from '../contracts/module.ts';
import type { ProviderDefinition } from '../types.ts';
import { shopifyConnector } from './connector.ts';
import { shopifyContent } from './content.ts';
import { shopifyWebhooks } from './webhooks.ts';

/** Shopify GraphQL Admin API (`/admin/api/{version}/graphql.json`); no REST Admin endpoint is used. */
export const shopifyProvider = {
  id: 'shopify',
  displayName: 'Shopify',
  mark: { letters: 'S', colour: '#2f6b1f' },
  family: 'cms',
  docsUrl: 'https://shopify.dev/docs/apps/build/authentication-authorization',
  api: {
    baseUrl: 'https://{shop}.myshopify.com/admin/api/{version}',
    // cms.md §4.2: quarterly YYYY-MM releases; the late-2025 release.
    version: '2026-10',
    versionCarrier: 'path',
    // docs/platforms/shopify.md §Version: quarterly releases, each supported at least 12 months.
    lifecycle: {
      versions: {
        '2026-10': { released: '2026-10-01', sunset: '2027-10-01' },
        '2026-07': { released: '2026-07-01', sunset: '2027-07-01' },
        '2026-04': { released: '2026-04-01', sunset: '2027-04-01' },
        '2026-01': { released: '2026-01-01', sunset: '2027-01-01' },
        '2025-10': { released: '2025-10-01', sunset: '2026-10-01' },
      },
      source: 'https://shopify.dev/docs/api/usage/versioning',
      policy:
        'Quarterly versions, each supported at least 12 months; a call to an unsupported version is served by the oldest supported one (fall forward), not refused.',
    },
  },
  auth: {
    kind: 'oauth2',
    authorizeUrl: 'https://{shop}.myshopify.com/admin/oauth/authorize',
    tokenUrl: 'https://{shop}.myshopify.com/admin/oauth/access_token',
    refreshUrl: 'https://{shop}.myshopify.com/admin/oauth/access_token',
    // Articles, blogs and pages (content), product descriptions (products), and the staged
    // uploads and files behind article images (files).
    defaultScopes: ['read_content', 'write_content', 'read_products', 'write_products', 'write_files'],
    scopeSeparator: ',',
    pkce: false,
    tokenAuthMethod: 'json_body',
    // The JSON body carries only the client credentials and the code (see the fact sheet).
    exchangeOmits: ['grant_type', 'redirect_uri'],
    // cms.md §4.1: ask for an expiring offline token, which comes with a refresh token.
    tokenParams: { expiring: '1' },
    tokenTransport: { header: 'X-Shopify-Access-Token', prefix: '' },
    refresh: 'refresh_token',
    accessTokenTtlSeconds: 3600,
    // cms.md §4.1: 90-day refresh token, rotated on every refresh.
    refreshTokenTtlSeconds: 7_776_000,
    rotatesRefreshToken: true,
  },
  connectionConfig: [
    {
      name: 'shop',
      label: 'Shop name (the part before .myshopify.com)',
      secret: false,
      isUrl: true,
      pattern: '^[a-z0-9][a-z0-9_-]*$',
      urlTemplate: 'https://{value}.myshopify.com',
    },
  ],
  webhooks: {
    supported: true,
    // cms.md §4.4: base64 HMAC-SHA256 of the raw body, keyed with the app client secret.
    scheme: 'hmac-sha256-base64',
    signatureHeader: 'x-shopify-hmac-sha256',
    // Always present (the library rejects deliveries without it) and stable across retries.
    eventIdHeader: 'x-shopify-webhook-id',
    topicHeader: 'x-shopify-topic',
    secretSource: 'app_secret',
    subscribeApi: true,
    topics: [
      'articles/create',
      'articles/update',
      'articles/delete',
      'pages/create',
      'pages/update',
      'pages/delete',
      'products/create',
      'products/update',
      'products/delete',
      'app/uninstalled',
      'bulk_operations/finish',
    ],
    retryPolicy: 'Answer 2xx within 5 s; retried 8 times over 4 hours with exponential backoff.',
  },
  rateLimit: {
    // docs/platforms/shopify-graphql.md: calculated query cost, a bucket counted in points per
    // app and shop (Standard plan: 100 points/s; 2,000 held), `THROTTLED` in a 200 body with
    // extensions.cost.throttleStatus. The bucket below is in points, and so is the
    // PLEXUS_SHOPIFY_REQUESTS_PER_MINUTE override (points a minute).
    signals: ['body-code'],
    bodyCodes: ['THROTTLED'],
    bucket: { size: 2000, leakPerSecond: 100 },
  },
  // Connections: `first` ≤ 250 with `after` cursors and pageInfo; full reads are bulk operations.
  pagination: 'cursor',
  maxPageSize: 250,
  capabilities: [
    'content.read',
    'content.write',
    'content.bulk',
    'content.taxonomy',
    'webhooks.inbound',
    'webhooks.subscribe',
    'token.refresh',
  ],
} as const satisfies ProviderDefinition;

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const shopify = {
  definition: shopifyProvider,
  connector: shopifyConnector,
  content: shopifyContent,
  webhooks: shopifyWebhooks,
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
