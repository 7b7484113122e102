/**
 * The contract every platform sandbox implements. A sandbox is started with a seed and size
 * (identical data for identical inputs), an optional port and clock, and the app credentials it
 * should accept; the running sandbox exposes its URL and the handles tests use to inject faults,
 * read the request log, inspect tokens and make "remote" edits as if someone used the
 * platform's own UI.
 */
import type { FaultInjector } from './faults.ts';
import type { RequestLog } from './request-log.ts';
import type { TokenStore } from './tokens.ts';

export interface SandboxOptions {
  /** Data seed; the same seed and size always produce the same data. Default 1. */
  seed?: number | string;
  /** Approximate number of daily metric rows (ads) or content items (CMS) to seed. */
  size?: number;
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** Epoch-ms clock for token expiry, usage windows and timestamps. Default Date.now. */
  now?: () => number;
  /** App credentials the sandbox accepts at its token endpoint. */
  clientId?: string;
  clientSecret?: string;
  /** Skip the consent page and approve at once (tests). */
  autoConsent?: boolean;
  /** Shown on the consent page. */
  appName?: string;
}

/** Edits "made in the platform UI": the connector only learns of them by reading or a webhook. */
export interface RemoteControl {
  /** Changes fields on an entity and bumps its modified time. Throws on unknown ids. */
  edit(id: string, patch: Record<string, unknown>): void;
  /** Deletes an entity the way the platform does (soft delete where the platform does that). */
  delete(id: string): void;
}

export interface RunningSandbox {
  provider: string;
  /** Base URL, e.g. `http://127.0.0.1:43123`; platform paths hang below it. */
  url: string;
  port: number;
  faults: FaultInjector;
  requests: RequestLog;
  tokens: TokenStore;
  remote: RemoteControl;
  /** Back to the seeded state: data, tokens, faults, request log. */
  reset(): void;
  close(): Promise<void>;
}

export interface Sandbox<R extends RunningSandbox = RunningSandbox> {
  provider: string;
  start(opts?: SandboxOptions): Promise<R>;
}
