import type { ProviderModule } from '../contracts/module.ts';
import type { ProviderDefinition } from '../types.ts';
import { webflowConnector } from './connector.ts';
import { webflowContent } from './content.ts';
import { webflowWebhooks } from './webhooks.ts';

/** Webflow Data API v2 (CMS collections and items). */
export const webflowProvider = {
  id: 'webflow',
  displayName: 'Webflow',
  mark: { letters: 'Wf', colour: '#3d33c9' },
  family: 'cms',
  docsUrl: 'https://developers.webflow.com/data/reference/oauth-app',
  api: {
    baseUrl: 'https://api.webflow.com/{version}',
    version: 'v2',
    versionCarrier: 'path',
    // docs/platforms/webflow.md §Version: v2 is current; v1 is retired.
    lifecycle: {
      versions: {
        v2: { released: '2023-08', sunset: null },
        v1: { released: '2019-01', sunset: '2025-03-31' },
      },
      source: 'https://developers.webflow.com/data/docs/webflow-v1-api-deprecation-notice',
      policy: 'v2 is the production namespace; v1 integrations lost maintenance and support after 2025-03-31.',
    },
  },
  auth: {
    kind: 'oauth2',
    authorizeUrl: 'https://webflow.com/oauth/authorize',
    tokenUrl: 'https://api.webflow.com/oauth/access_token',
    // cms.md §5.1: JSON {client_id, client_secret, access_token} → {"did_revoke": true}.
    revokeUrl: 'https://webflow.com/oauth/revoke_authorization',
    // sites:write is what registering webhooks needs (cms.md §5.4).
    defaultScopes: ['sites:read', 'sites:write', 'cms:read', 'cms:write'],
    scopeSeparator: ' ',
    pkce: false,
    tokenAuthMethod: 'json_body',
    // cms.md §5.1: no refresh token; the token lasts until revoked.
    refresh: 'none',
    rotatesRefreshToken: false,
  },
  webhooks: {
    supported: true,
    // cms.md §5.4: hex HMAC of `<ms timestamp>:<raw body>`; only OAuth-app webhooks are signed.
    scheme: 'hmac-sha256-hex-timestamped',
    signatureHeader: 'x-webflow-signature',
    timestampHeader: 'x-webflow-timestamp',
    toleranceSeconds: 300,
    secretSource: 'app_secret',
    subscribeApi: true,
    topics: [
      'collection_item_created',
      'collection_item_changed',
      'collection_item_deleted',
      'collection_item_published',
      'collection_item_unpublished',
      'site_publish',
    ],
    retryPolicy: 'Non-2xx answers are retried; count and schedule are not documented.',
  },
  rateLimit: {
    signals: ['http-429', 'retry-after-header', 'remaining-headers', 'body-code'],
    headers: ['x-ratelimit-limit', 'x-ratelimit-remaining', 'retry-after'],
    bodyCodes: ['too_many_requests'],
    // cms.md §5.5: 60 req/min per token on the smaller site plans, 120 on CMS/Business.
    requestsPerMinute: 60,
  },
  // cms.md §5.2: offset/limit with {pagination: {limit, offset, total}}.
  pagination: 'offset',
  maxPageSize: 100,
  capabilities: [
    'content.read',
    'content.write',
    'content.bulk',
    'webhooks.inbound',
    'webhooks.subscribe',
    'token.revoke',
  ],
} as const satisfies ProviderDefinition;

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const webflow = {
  definition: webflowProvider,
  connector: webflowConnector,
  content: webflowContent,
  webhooks: webflowWebhooks,
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
