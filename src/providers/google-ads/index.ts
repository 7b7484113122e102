import type { ProviderModule } from '../contracts/module.ts';
import type { ProviderDefinition } from '../types.ts';
import { googleAdsConnector } from './connector.ts';
import { googleAdsSync } from './sync.ts';
import { googleAdsWrite } from './write.ts';

/** Google Ads API over its REST interface (GAQL search + mutate). */
export const googleAdsProvider = {
  id: 'google-ads',
  displayName: 'Google Ads',
  mark: { letters: 'G', colour: '#1a6b3a' },
  family: 'ads',
  docsUrl: 'https://developers.google.com/google-ads/api/docs/access-levels',
  api: {
    baseUrl: 'https://googleads.googleapis.com/{version}',
    version: 'v26',
    versionCarrier: 'path',
    // ads.md §2.1: every call carries the app's developer token (an app setting, not per connection).
    headers: { 'developer-token': '{developerToken}' },
    // docs/platforms/google-ads.md §Version: Google publishes months for releases and projected sunsets.
    lifecycle: {
      versions: {
        v26: { released: '2026-10', sunset: '2027-11', tentative: true },
        v25: { released: '2026-07', sunset: '2027-08', tentative: true },
        v24: { released: '2026-04', sunset: '2027-05', tentative: true },
        v23: { released: '2026-01', sunset: '2027-02', tentative: true },
        v22: { released: '2025-10-15', sunset: '2026-10-07' },
        v20: { released: '2025-06-04', sunset: '2026-06-10' },
      },
      source: 'https://developers.google.com/google-ads/api/docs/sunset-dates',
      policy: 'Four major versions a year, each available about 12 months; requests to a sunset version fail.',
    },
  },
  auth: {
    kind: 'oauth2',
    authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    revokeUrl: 'https://oauth2.googleapis.com/revoke',
    defaultScopes: ['https://www.googleapis.com/auth/adwords'],
    scopeSeparator: ' ',
    // ads.md §2.1: S256 code_challenge on authorize, code_verifier on exchange.
    pkce: true,
    tokenAuthMethod: 'client_secret_post',
    // ads.md §2.1: offline for a refresh token; consent forces a fresh one on re-consent.
    authorizeParams: { access_type: 'offline', prompt: 'consent' },
    refresh: 'refresh_token',
    accessTokenTtlSeconds: 3600,
    // ads.md §2.1: refresh tokens have no fixed expiry and are normally not rotated.
    rotatesRefreshToken: false,
  },
  connectionConfig: [
    {
      name: 'customerId',
      label: 'Customer ID (10 digits, no dashes)',
      secret: false,
      // Without it, the first accessible customer is used (the connector lists them after consent).
      optional: true,
      pattern: '^[0-9]{10}$',
    },
    {
      // ads.md §2.1: only when acting through a manager (MCC) account.
      name: 'loginCustomerId',
      label: 'Manager customer ID (login-customer-id)',
      secret: false,
      optional: true,
      pattern: '^[0-9]{10}$',
      header: 'login-customer-id',
    },
  ],
  webhooks: {
    supported: false,
    reason: 'Google Ads has no webhooks; entity changes come from change_status / change_event queries (ads.md §2.7).',
    fallback: 'poll',
  },
  rateLimit: {
    // ads.md §2.6: gRPC RESOURCE_EXHAUSTED → HTTP 429 with errorCode.quotaError; no quota headers.
    signals: ['http-429', 'grpc-resource-exhausted', 'body-code'],
    bodyCodes: [
      'RESOURCE_EXHAUSTED',
      'RESOURCE_TEMPORARILY_EXHAUSTED',
      'EXCESSIVE_SHORT_TERM_QUERY_RESOURCE_CONSUMPTION',
      'EXCESSIVE_LONG_TERM_QUERY_RESOURCE_CONSUMPTION',
    ],
  },
  // ads.md §2.4: fixed pages of 10,000 rows; sending pageSize is rejected.
  pagination: 'page-token',
  maxPageSize: 10_000,
  money: 'micros',
  capabilities: [
    'ads.accounts.read',
    'ads.campaigns.read',
    'ads.campaigns.write',
    'ads.metrics.read',
    'token.refresh',
    'token.revoke',
  ],
} as const satisfies ProviderDefinition;

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const googleAds = {
  definition: googleAdsProvider,
  connector: googleAdsConnector,
  ads: { sync: googleAdsSync, write: googleAdsWrite },
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
