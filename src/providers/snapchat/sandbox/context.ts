/** State shared by the Snapchat sandbox's route modules, and its response envelope. */
import { randomBytes } from 'node:crypto';
import { json, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { TokenStore } from '../../../sandbox/kit/tokens.ts';
import type { SnapWorld } from './world.ts';

export interface SnapConfig {
  clientId: string;
  clientSecret: string;
  appName: string;
  autoConsent: boolean;
  accessTokenTtlSeconds: number;
  /** null: no documented expiry. */
  refreshTokenTtlSeconds: number | null;
  rotateRefreshTokens: boolean;
  redirectUris: readonly string[];
}

export interface SnapContext {
  config: SnapConfig;
  now(): number;
  tokens: TokenStore;
  world: SnapWorld;
  baseUrl: string;
}

/** Wraps a route handler in the authentication and rate checks every Marketing API route shares. */
export type Guard = (h: (req: SandboxRequest) => SandboxResponse) => (req: SandboxRequest) => SandboxResponse;

export function requestId(): string {
  return randomBytes(12).toString('hex');
}

export function success(body: Record<string, unknown>): SandboxResponse {
  return json(200, { request_status: 'SUCCESS', request_id: requestId(), ...body });
}

/** Error envelope; only `request_status` and `request_id` are documented, `msg` is what the API has been seen to send. */
export function snapError(status: number, msg: string, headers: Record<string, string> = {}): SandboxResponse {
  return json(status, { request_status: 'ERROR', request_id: requestId(), msg }, headers);
}
