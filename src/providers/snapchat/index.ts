import type { ProviderModule } from '../contracts/module.ts';
import type { ProviderDefinition } from '../types.ts';
import { snapchatConnector } from './connector.ts';
import { snapchatAdsSync } from './sync.ts';
import { snapchatAdsWrite } from './write.ts';

/** Snapchat Marketing API (Ads API v1). */
export const snapchatProvider = {
  id: 'snapchat',
  displayName: 'Snapchat Ads',
  mark: { letters: 'S', colour: '#6b5a00' },
  family: 'ads',
  docsUrl: 'https://developers.snap.com/api/marketing-api/Ads-API/authentication',
  api: {
    baseUrl: 'https://adsapi.snapchat.com/{version}',
    version: 'v1',
    versionCarrier: 'path',
    // docs/platforms/snapchat.md §Version: v1 is the only version.
    lifecycle: {
      versions: {
        v1: { released: null, sunset: null },
      },
      source: 'https://developers.snap.com/api/marketing-api/Ads-API/introduction',
      policy: 'One unversioned-in-practice v1; Snap announces breaking changes in its changelog, not by version.',
    },
  },
  auth: {
    kind: 'oauth2',
    authorizeUrl: 'https://accounts.snapchat.com/login/oauth2/authorize',
    tokenUrl: 'https://accounts.snapchat.com/login/oauth2/access_token',
    defaultScopes: ['snapchat-marketing-api'],
    scopeSeparator: ' ',
    pkce: false,
    tokenAuthMethod: 'client_secret_post',
    refresh: 'refresh_token',
    // ads.md §6.1: 60-minute access tokens; refresh-token expiry and rotation are undocumented,
    // so a refresh token returned by a refresh is stored but the old one is not assumed dead.
    accessTokenTtlSeconds: 3600,
    rotatesRefreshToken: false,
  },
  webhooks: {
    supported: false,
    // ads.md §6.7: lead-gen only, and the signature header and algorithm are not published,
    // so deliveries cannot be verified (fail closed).
    reason:
      'Snapchat only sends lead-gen webhooks, with an unpublished signature scheme and no retry guarantee; nothing for campaigns or stats (ads.md §6.7).',
    fallback: 'poll',
  },
  rateLimit: {
    // ads.md §6.6: 429 with no rate-limit headers and no Retry-After.
    signals: ['http-429'],
    // ads.md §6.6: 10 requests/s per access token.
    requestsPerMinute: 600,
  },
  // ads.md §6.4: `limit` 50–1000, follow paging.next_link.
  pagination: 'next-link',
  maxPageSize: 1000,
  money: 'micros',
  capabilities: ['ads.accounts.read', 'ads.campaigns.read', 'ads.campaigns.write', 'ads.metrics.read', 'token.refresh'],
} as const satisfies ProviderDefinition;

/** The one entry to this folder: everything else in Plexus reaches the platform through it (see ../registry.ts). */
export const snapchat = {
  definition: snapchatProvider,
  connector: snapchatConnector,
  ads: { sync: snapchatAdsSync, write: snapchatAdsWrite },
  sandbox: async () => (await import('./sandbox.ts')).sandbox,
} satisfies ProviderModule;
