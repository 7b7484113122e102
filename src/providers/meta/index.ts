import type { ProviderModule } from '../contracts/module.ts';
import type { ProviderDefinition } from '../types.ts';
import { metaConnector } from './connector.ts';
import { metaAdsSync } from './sync.ts';
import { metaWebhooks } from './webhooks.ts';
import { metaAdsWrite } from './write.ts';

/** Meta (Facebook + Instagram) Marketing API, on the Graph API. */
export const metaProvider = {
  id: 'meta',
  displayName: 'Meta Ads',
  mark: { letters: 'M', colour: '#0a5bc4' },
  family: 'ads',
  docsUrl: 'https://developers.facebook.com/apps/',
  api: {
    baseUrl: 'https://graph.facebook.com/{version}',
    version: 'v27.0',
    versionCarrier: 'path',
    // docs/platforms/meta.md §Version: the Marketing API version table, not the Graph API one.
    lifecycle: {
      versions: {
        'v27.0': { released: '2026-11-04', sunset: null },
        'v26.0': { released: '2026-07-29', sunset: null },
        'v25.0': { released: '2026-02-18', sunset: '2027-02-23' },
        'v24.0': { released: '2025-10-08', sunset: '2026-11-10' },
        'v23.0': { released: '2025-05-29', sunset: '2026-06-09' },
      },
      source:
        'https://developers.facebook.com/documentation/ads-commerce/marketing-api/marketing-api-changelog/versions',
      policy:
        'Marketing API versions expire on dates Meta publishes per version (no longer the two years of the Graph API); calls to an expired one fail with error #2635.',
    },
  },
  auth: {
    kind: 'oauth2',
    // ads.md §1.2: the login dialog is versioned like the Graph API.
    authorizeUrl: 'https://www.facebook.com/{version}/dialog/oauth',
    // ads.md §1.1: documented as a GET with client_id, client_secret and code in the query.
    tokenUrl: 'https://graph.facebook.com/{version}/oauth/access_token',
    // ads.md §1.1: "refresh" re-runs grant_type=fb_exchange_token with the current long-lived token.
    refreshUrl: 'https://graph.facebook.com/{version}/oauth/access_token',
    // ads.md §1.1: DELETE /{user-id}/permissions (answers `true`); `me` is the token's own user.
    revokeUrl: 'https://graph.facebook.com/{version}/me/permissions',
    defaultScopes: ['ads_read', 'ads_management', 'business_management'],
    scopeSeparator: ',',
    // ads.md §1.1: PKCE for the login dialog is unconfirmed.
    pkce: false,
    tokenAuthMethod: 'query',
    refresh: 'exchange',
    exchangeGrant: { grantType: 'fb_exchange_token', tokenParam: 'fb_exchange_token' },
    // ads.md §1.1: long-lived user tokens, expires_in ≈ 5,184,000 s; there are no refresh tokens.
    accessTokenTtlSeconds: 5_184_000,
    rotatesRefreshToken: false,
  },
  webhooks: {
    supported: true,
    scheme: 'hmac-sha256-hex',
    // ads.md §1.7: `sha256=<hex>` over the raw (escaped-unicode) body, keyed with the app secret.
    signatureHeader: 'x-hub-signature-256',
    signatureValuePrefix: 'sha256=',
    secretSource: 'app_secret',
    // ads.md §1.7: POST /act_{id}/subscribed_apps per ad account, /{page_id}/subscribed_apps for leads.
    subscribeApi: true,
    // `<object>.<field>` from the envelope's `object` and `entry[].changes[].field` (ads.md §1.7).
    topics: [
      'ad_account.with_issues_ad_objects',
      'ad_account.in_process_ad_objects',
      'ad_account.ad_recommendations',
      'ad_account.creative_fatigue',
      'ad_account.product_set_issue',
      'page.leadgen',
    ],
    retryPolicy: 'Retried immediately, then with decreasing frequency for 36 hours; up to 1,000 updates per POST.',
  },
  rateLimit: {
    // ads.md §1.6: throttling arrives as HTTP 400/403 with error.code, not as 429.
    signals: ['usage-headers', 'body-code'],
    headers: ['x-app-usage', 'x-ad-account-usage', 'x-business-use-case-usage', 'x-fb-ads-insights-throttle'],
    bodyCodes: [4, 17, 32, 613, 80000, 80001, 80002, 80003, 80004, 80005, 80006, 80008, 80009, 80014],
    // ads.md §1.6: stop before any usage value reaches 100 (Airbyte pauses above 95).
    slowDownAtPercent: 95,
  },
  pagination: 'cursor',
  // ads.md §1.4: no documented maximum for `limit`; 100 is the proven default (halve on "reduce the amount of data").
  maxPageSize: 100,
  // ads.md §1.3: budgets are minor-unit numeric strings; §1.5: insights `spend` is a major-unit decimal string.
  money: 'minor_units',
  metricsMoney: 'major_units_decimal',
  capabilities: [
    'ads.accounts.read',
    'ads.campaigns.read',
    'ads.campaigns.write',
    'ads.metrics.read',
    'ads.reports.async',
    'webhooks.inbound',
    'token.refresh',
    'token.revoke',
  ],
} as const satisfies ProviderDefinition;

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const meta = {
  definition: metaProvider,
  connector: metaConnector,
  ads: { sync: metaAdsSync, write: metaAdsWrite },
  webhooks: metaWebhooks,
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
