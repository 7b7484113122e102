import type { ProviderModule } from '../contracts/module.ts';
import type { ProviderDefinition } from '../types.ts';
import { xConnector } from './connector.ts';
import { xAdsSync } from './sync.ts';
import { xAdsWrite } from './write.ts';

/** X (Twitter) Ads API: OAuth 1.0a user context, version as the first path segment. */
export const xProvider = {
  id: 'x',
  displayName: 'X Ads',
  mark: { letters: 'X', colour: '#000000' },
  family: 'ads',
  docsUrl: 'https://developer.x.com/en/portal/dashboard',
  api: {
    baseUrl: 'https://ads-api.x.com/{version}',
    version: '12',
    versionCarrier: 'path',
    // docs/platforms/x.md §Version: 12 is still the newest version; no end of life is announced.
    lifecycle: {
      versions: {
        '12': { released: '2022-10-27', sunset: null },
        '11': { released: '2022-03-31', sunset: null },
      },
      source: 'https://docs.x.com/x-ads-api/fundamentals/versioning',
      policy: 'Two versions are served at once; a new version starts a six-month deprecation of the older one.',
    },
  },
  auth: {
    // ads.md §5.1: the Ads API documents only OAuth 1.0a; its tokens never expire.
    kind: 'oauth1a',
    requestTokenUrl: 'https://api.x.com/oauth/request_token',
    authorizeUrl: 'https://api.x.com/oauth/authorize',
    accessTokenUrl: 'https://api.x.com/oauth/access_token',
    signatureMethod: 'HMAC-SHA1',
    refresh: 'none',
  },
  webhooks: {
    supported: false,
    // ads.md §5.7: Account Activity / V2 webhooks carry user events, not ads objects.
    reason:
      'The X Ads API has no webhooks; changes are found with sort_by=updated_at-desc and stats active_entities (ads.md §5.7).',
    fallback: 'poll',
  },
  rateLimit: {
    // ads.md §5.6: prefer the account-level headers when present; 503 carries retry-after.
    signals: ['http-429', 'remaining-headers', 'retry-after-header', 'body-code'],
    headers: [
      'x-account-rate-limit-limit',
      'x-account-rate-limit-remaining',
      'x-account-rate-limit-reset',
      'x-rate-limit-limit',
      'x-rate-limit-remaining',
      'x-rate-limit-reset',
      'retry-after',
    ],
    bodyCodes: ['TOO_MANY_REQUESTS', 'TWEET_RATE_LIMIT_EXCEEDED'],
  },
  pagination: 'cursor',
  maxPageSize: 1000,
  // ads.md §5.3: *_local_micro, value × 1e6 for every currency.
  money: 'micros',
  capabilities: [
    'ads.accounts.read',
    'ads.campaigns.read',
    'ads.campaigns.write',
    'ads.metrics.read',
    'ads.reports.async',
  ],
} as const satisfies ProviderDefinition;

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const x = {
  definition: xProvider,
  connector: xConnector,
  ads: { sync: xAdsSync, write: xAdsWrite },
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
