/** State shared by the TikTok sandbox's route modules. */
import type { TokenStore } from '../../../sandbox/kit/tokens.ts';
import type { TikTokWorld } from './world.ts';

export interface TikTokConfig {
  appId: string;
  secret: string;
  appName: string;
  autoConsent: boolean;
  /** Numeric permission ids approved on the developer app, echoed in `data.scope`. */
  scopes: readonly number[];
  /** null: long-term advertiser tokens have no timer (the real behaviour). */
  accessTokenTtlSeconds: number | null;
  authCodeTtlSeconds: number;
  redirectUris: readonly string[];
}

export interface TikTokContext {
  config: TikTokConfig;
  now(): number;
  tokens: TokenStore;
  world: TikTokWorld;
}
