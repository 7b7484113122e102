import type { ProviderModule } from '../contracts/module.ts';
import type { ProviderDefinition } from '../types.ts';
import { tiktokConnector } from './connector.ts';
import { tiktokAdsSync } from './sync.ts';
import { tiktokWebhooks } from './webhooks.ts';
import { tiktokAdsWrite } from './write.ts';

/** TikTok API for Business (Marketing API). Every path ends in a slash (ads.md §3.2). */
export const tiktokProvider = {
  id: 'tiktok',
  displayName: 'TikTok Ads',
  mark: { letters: 'T', colour: '#111111' },
  family: 'ads',
  docsUrl: 'https://business-api.tiktok.com/portal/docs?id=1738373164380162',
  api: {
    baseUrl: 'https://business-api.tiktok.com/open_api/{version}',
    version: 'v1.3',
    versionCarrier: 'path',
    // docs/platforms/tiktok.md §Version: v1.3 is still the current version.
    lifecycle: {
      versions: {
        'v1.3': { released: '2022-08-15', sunset: null },
        'v1.2': { released: '2021-03-19', sunset: '2023-08-15' },
      },
      source: 'https://business-api.tiktok.com/portal/docs?id=1740029169927169',
      policy: 'Breaking changes come only in a new version, with a stated migration window (a year from v1.2 to v1.3).',
    },
  },
  auth: {
    kind: 'oauth2',
    authorizeUrl: 'https://business-api.tiktok.com/portal/auth',
    tokenUrl: 'https://business-api.tiktok.com/open_api/{version}/oauth2/access_token/',
    // ads.md §3.1: revoke body (app_id, secret, access_token) is unconfirmed.
    revokeUrl: 'https://business-api.tiktok.com/open_api/{version}/oauth2/revoke_token/',
    // ads.md §3.1: permissions are numeric ids picked on the developer app, not requested in the URL.
    defaultScopes: [],
    scopeSeparator: ',',
    pkce: false,
    tokenAuthMethod: 'json_body',
    // The JSON body carries only the client credentials and the code (see the fact sheet).
    exchangeOmits: ['grant_type', 'redirect_uri'],
    // ads.md §3.1: callback carries auth_code, not code.
    callbackCodeParam: 'auth_code',
    // ads.md §3.1: app_id / secret / auth_code instead of client_id / client_secret / code.
    paramNames: { clientId: 'app_id', clientSecret: 'secret', code: 'auth_code' },
    // ads.md §3.1: {"code":0,"message":"OK","data":{"access_token",…}}.
    tokenResponsePath: 'data',
    // ads.md §3.1: header `Access-Token: {token}`, not Authorization.
    tokenTransport: { header: 'Access-Token', prefix: '' },
    // ads.md §3.1: long-term advertiser tokens have no timer and no refresh token.
    refresh: 'none',
    rotatesRefreshToken: false,
  },
  webhooks: {
    supported: true,
    // ads.md §3.7: `t=<ts>,s=<hex>` over `t.body`; that Business API webhooks use it is unconfirmed.
    scheme: 'hmac-sha256-hex-timestamp-pairs',
    signatureHeader: 'tiktok-signature',
    toleranceSeconds: 300,
    secretSource: 'app_secret',
    // ads.md §3.7: the callback is registered with POST business/webhook/update/.
    subscribeApi: true,
    // ads.md §3.7: the only ads-relevant event name the sheet spells out.
    topics: ['API_SERVICE_STATUS'],
    retryPolicy: 'At least once; exponential-backoff retries for up to 72 hours.',
  },
  rateLimit: {
    // ads.md §3.6: HTTP 200 with body code 40100 (also 40016, 40133, 40132); no headers, no Retry-After.
    signals: ['body-code'],
    bodyCodes: [40100, 40016, 40133, 40132],
    // ads.md §3.6: Basic app tier is 600 QPM (10 QPS).
    requestsPerMinute: 600,
  },
  pagination: 'page-number',
  maxPageSize: 1000,
  // ads.md §3.3: budgets are floats in major units; §3.5: report `spend` is a major-unit string.
  money: 'major_units_float',
  metricsMoney: 'major_units_decimal',
  capabilities: [
    'ads.accounts.read',
    'ads.campaigns.read',
    'ads.campaigns.write',
    'ads.metrics.read',
    'ads.reports.async',
    'webhooks.inbound',
    'token.revoke',
  ],
} as const satisfies ProviderDefinition;

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const tiktok = {
  definition: tiktokProvider,
  connector: tiktokConnector,
  ads: { sync: tiktokAdsSync, write: tiktokAdsWrite },
  webhooks: tiktokWebhooks,
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
