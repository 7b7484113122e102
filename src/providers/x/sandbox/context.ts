/** State shared by the X sandbox's route modules. */
import type { TokenStore } from '../../../sandbox/kit/tokens.ts';
import type { StatsJobs } from './stats-jobs.ts';
import type { XWorld } from './world.ts';

export interface XConfig {
  consumerKey: string;
  consumerSecret: string;
  appName: string;
  autoConsent: boolean;
  /** Accepted oauth_timestamp skew in seconds; null disables the check. */
  timestampWindowSeconds: number | null;
  /** Lifetime of an unused request token. */
  requestTokenTtlSeconds: number;
  /** Enforce the per-window limits advertised in the x-rate-limit-* headers. */
  enforceRateLimits: boolean;
}

export interface XContext {
  config: XConfig;
  now(): number;
  tokens: TokenStore;
  /** oauth_token → oauth_token_secret for access tokens. */
  secrets: Map<string, string>;
  world: XWorld;
  /** Origins a client may have signed against (the sandbox's own is added once listening). */
  origins: string[];
  /** The sandbox's own origin (set once listening), for URLs it hands out. */
  baseUrl: string;
  /** Asynchronous analytics jobs. */
  jobs: StatsJobs;
}
