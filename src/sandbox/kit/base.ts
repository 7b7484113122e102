/**
 * The start-up wiring every platform sandbox shares: option defaults (clock, seed, size), the
 * fault injector, request log, token store and platform router, then the control router and the
 * host, and the RunningSandbox handles built from them. A sandbox keeps only its own data,
 * routes, hooks and extra handles, and names the stateful parts the kit resets and closes for it.
 */
import { controlRouter } from './control.ts';
import { FaultInjector } from './faults.ts';
import { startHost, type HostHooks } from './host.ts';
import { RequestLog } from './request-log.ts';
import { Router } from './server.ts';
import { TokenStore, type TokenStoreOptions } from './tokens.ts';
import type { RemoteControl, RunningSandbox, SandboxOptions } from './types.ts';

export interface KitDefaults {
  /** Default data size when the caller gives none (platforms differ). */
  size: number;
  /** The platform's token format; absent for platforms without OAuth tokens. */
  generate?: TokenStoreOptions['generate'];
}

/**
 * Platform state that reset empties (through its `reset`, else its `clear`) and that close shuts
 * down when it has a `close`: webhook senders, rate windows, upload stores.
 */
export type SandboxPart = ({ reset(): void } | { clear(): void }) & { close?(): void };

export interface PlatformSpec<R extends RemoteControl> {
  provider: string;
  remote: R;
  /** The platform's part of reset (reseed data); the kit then resets `parts`, tokens, faults and the log. */
  reseed(): void;
  parts?: readonly SandboxPart[];
  /** Platform extras merged into GET /__sandbox/stats. */
  stats?(): Record<string, unknown>;
  hooks: HostHooks;
}

/** The common RunningSandbox handles, with the platform's own remote type kept. */
export type BaseRunningSandbox<R extends RemoteControl> = RunningSandbox & { remote: R };

export interface SandboxKit {
  now: () => number;
  seed: number | string;
  size: number;
  faults: FaultInjector;
  requests: RequestLog;
  tokens: TokenStore;
  /** Platform routes; whatever the sandbox adds here is served by the host. */
  routes: Router;
  /** Platform `/__sandbox/*` extras; start() adds the shared control endpoints to this router. */
  control: Router;
  /** Adds the shared control endpoints to `control`, starts the host and returns the shared handles. */
  start<R extends RemoteControl>(spec: PlatformSpec<R>): Promise<BaseRunningSandbox<R>>;
}

export function sandboxKit(opts: SandboxOptions, defaults: KitDefaults): SandboxKit {
  const now = opts.now ?? Date.now;
  const faults = new FaultInjector(now);
  const requests = new RequestLog();
  const tokens = new TokenStore(defaults.generate ? { now, generate: defaults.generate } : { now });
  const routes = new Router();
  // Platform control paths never overlap the shared ones, so their registration order does not matter.
  const control = new Router();
  return {
    now,
    seed: opts.seed ?? 1,
    size: opts.size ?? defaults.size,
    faults,
    requests,
    tokens,
    routes,
    control,
    async start<R extends RemoteControl>(spec: PlatformSpec<R>): Promise<BaseRunningSandbox<R>> {
      const { provider, remote } = spec;
      const parts = spec.parts ?? [];
      const reset = (): void => {
        spec.reseed();
        for (const part of parts) {
          if ('reset' in part) part.reset();
          else part.clear();
        }
        tokens.clear();
        faults.clear();
        requests.clear();
      };
      controlRouter(
        { provider, faults, requests, tokens, remote, reset, ...(spec.stats ? { stats: () => spec.stats!() } : {}) },
        control,
      );
      const server = await startHost({
        ...(opts.port === undefined ? {} : { port: opts.port }),
        now,
        routes,
        control,
        faults,
        requests,
        hooks: spec.hooks,
      });
      return {
        provider,
        url: server.url,
        port: server.port,
        faults,
        requests,
        tokens,
        remote,
        reset,
        close: () => {
          // Before the listener goes, so no webhook retry timer outlives the sandbox.
          for (const part of parts) part.close?.();
          return server.close();
        },
      };
    },
  };
}
