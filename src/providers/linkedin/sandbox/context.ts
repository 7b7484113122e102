/** State shared by the LinkedIn sandbox's route modules. */
import type { TokenStore } from '../../../sandbox/kit/tokens.ts';
import type { LinkedInWorld } from './world.ts';

export interface LinkedInConfig {
  clientId: string;
  clientSecret: string;
  appName: string;
  autoConsent: boolean;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Apps approved for programmatic refresh get refresh tokens (MDP partners). */
  programmaticRefresh: boolean;
  rotateRefreshTokens: boolean;
  /** `LinkedIn-Version` values still served; anything else answers 426. */
  activeVersions: readonly string[];
  redirectUris: readonly string[];
  codeTtlSeconds: number;
}

export interface LinkedInContext {
  config: LinkedInConfig;
  now(): number;
  tokens: TokenStore;
  world: LinkedInWorld;
}
