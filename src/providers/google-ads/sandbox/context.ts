/** State shared by the Google Ads sandbox's route modules. */
import type { TokenStore } from '../../../sandbox/kit/tokens.ts';
import type { GoogleWorld } from './world.ts';

export const ADWORDS_SCOPE = 'https://www.googleapis.com/auth/adwords';

export interface GoogleConfig {
  clientId: string;
  clientSecret: string;
  appName: string;
  autoConsent: boolean;
  /** Value the `developer-token` header must carry. */
  developerToken: string;
  accessTokenTtlSeconds: number;
  /** null: refresh tokens live until revoked (production apps); 604800 mimics a "Testing" app. */
  refreshTokenTtlSeconds: number | null;
  rotateRefreshTokens: boolean;
  /** Major versions still served, e.g. v23–v26 in December 2026. */
  versions: readonly string[];
  /** Major versions past their sunset: requests to them fail with UNSUPPORTED_VERSION. */
  sunsetVersions: readonly string[];
  /** Rows per search page; Google fixes it at 10,000. */
  searchPageSize: number;
  /** Registered redirect URIs; empty accepts any absolute http(s) URI. */
  redirectUris: readonly string[];
}

export interface GoogleContext {
  config: GoogleConfig;
  now(): number;
  tokens: TokenStore;
  world: GoogleWorld;
}
