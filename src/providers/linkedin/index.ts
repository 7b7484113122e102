import type { ProviderModule } from '../contracts/module.ts';
import type { ProviderDefinition } from '../types.ts';
import { linkedinConnector } from './connector.ts';
import { linkedinAdsSync } from './sync.ts';
import { linkedinWebhooks } from './webhooks.ts';
import { linkedinAdsWrite } from './write.ts';

/** LinkedIn Marketing API (Ads), Rest.li 2.0 under /rest with monthly header versions. */
export const linkedinProvider = {
  id: 'linkedin',
  displayName: 'LinkedIn Ads',
  mark: { letters: 'in', colour: '#0a5a8f' },
  family: 'ads',
  docsUrl: 'https://www.linkedin.com/developers/apps',
  api: {
    baseUrl: 'https://api.linkedin.com/rest',
    version: '202607',
    versionCarrier: 'header',
    // ads.md §4.2: LinkedIn-Version has no default (missing → error, sunset → 426).
    headers: { 'LinkedIn-Version': '{version}', 'X-Restli-Protocol-Version': '2.0.0' },
    // docs/platforms/linkedin.md §Version: sunsets from the migrations table; 202607 at least a year after release.
    lifecycle: {
      versions: {
        '202607': { released: '2026-07', sunset: '2027-07', tentative: true },
        '202603': { released: '2026-03', sunset: '2027-03-16' },
        '202602': { released: '2026-02', sunset: '2027-02-15' },
        '202601': { released: '2026-01', sunset: '2027-01-15' },
        '202511': { released: '2025-11', sunset: '2026-11-16' },
        '202510': { released: '2025-10', sunset: '2026-10-15' },
      },
      source: 'https://learn.microsoft.com/en-us/linkedin/marketing/integrations/migrations',
      policy: 'Monthly versions, each supported at least 12 months; a sunset version answers HTTP 426.',
    },
  },
  auth: {
    kind: 'oauth2',
    // `v2` here is the OAuth endpoint's own path, not the Marketing API version.
    authorizeUrl: 'https://www.linkedin.com/oauth/v2/authorization',
    tokenUrl: 'https://www.linkedin.com/oauth/v2/accessToken',
    // Lead Sync webhooks additionally need r_marketing_leadgen_automation (ads.md §4.7).
    defaultScopes: ['r_ads', 'rw_ads', 'r_ads_reporting'],
    // ads.md §4.1: the docs say space-delimited (the official JS client sends commas).
    scopeSeparator: ' ',
    pkce: false,
    tokenAuthMethod: 'client_secret_post',
    // ads.md §4.1: refresh tokens are issued only to apps approved for programmatic refresh;
    // without one the connection needs re-consent when the access token ends.
    refresh: 'refresh_token',
    accessTokenTtlSeconds: 5_184_000,
    // ads.md §4.1: 365 days fixed from the first authorization; refreshing does not extend it.
    refreshTokenTtlSeconds: 31_536_000,
    rotatesRefreshToken: false,
  },
  webhooks: {
    supported: true,
    scheme: 'hmac-sha256-hex',
    signatureHeader: 'x-li-signature',
    // ads.md §4.7: HMAC over `hmacsha256=` + raw body; accept the value with or without that prefix.
    signedPayloadPrefix: 'hmacsha256=',
    signatureValuePrefix: 'hmacsha256=',
    secretSource: 'app_secret',
    // ads.md §4.7: POST /rest/leadNotifications; PUT /rest/eventSubscriptions/(…).
    subscribeApi: true,
    topics: ['LEAD_ACTION', 'ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS'],
    retryPolicy:
      'Organization social-action notifications are retried every 5 minutes for 8 hours; the Lead Sync schedule is not documented.',
  },
  rateLimit: {
    // ads.md §4.6: daily per-app and per-member quotas reset at 00:00 UTC; 429 without headers.
    signals: ['http-429'],
  },
  // ads.md §4.4: search finders use pageToken/pageSize; other collections use start/count.
  pagination: 'page-token',
  // ads.md §4.4: default 100, maximum 1000 unconfirmed; 500 is known to work.
  maxPageSize: 500,
  // ads.md §4.3: {"amount":"50.00","currencyCode":"USD"}; §4.5 cost fields are decimal strings too.
  money: 'major_units_decimal',
  capabilities: [
    'ads.accounts.read',
    'ads.campaigns.read',
    'ads.campaigns.write',
    'ads.metrics.read',
    'webhooks.inbound',
    'token.refresh',
  ],
} as const satisfies ProviderDefinition;

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const linkedin = {
  definition: linkedinProvider,
  connector: linkedinConnector,
  ads: { sync: linkedinAdsSync, write: linkedinAdsWrite },
  webhooks: linkedinWebhooks,
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
