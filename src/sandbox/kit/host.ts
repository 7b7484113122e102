/**
 * Puts a sandbox on the wire: control endpoints first, then injected faults (latency, then the
 * platform's own rate-limit or 5xx response), then the platform's pre-route checks and routes,
 * then platform headers on the way out; every platform request lands in the request log.
 */
import type { ActiveFault, FaultInjector } from './faults.ts';
import { CONTROL_PREFIX } from './control.ts';
import type { RequestLog } from './request-log.ts';
import { listen, type Router, type SandboxRequest, type SandboxResponse, type ServerHandle } from './server.ts';

export interface HostHooks {
  /** The platform's answer to a matched rate-limit or server-error fault. */
  faultResponse(fault: ActiveFault, req: SandboxRequest): SandboxResponse;
  /** Runs before routing; a response here short-circuits (e.g. usage-based throttling). */
  before?(req: SandboxRequest): SandboxResponse | undefined;
  /** Last look at every platform response (e.g. usage headers). */
  decorate?(req: SandboxRequest, res: SandboxResponse): SandboxResponse;
  notFound(req: SandboxRequest): SandboxResponse;
  /** Path used for routing, e.g. with a leading API version stripped; the log keeps the real one. */
  routePath?(path: string): string;
}

export interface HostOptions {
  port?: number;
  now: () => number;
  routes: Router;
  control: Router;
  faults: FaultInjector;
  requests: RequestLog;
  hooks: HostHooks;
}

export async function startHost(o: HostOptions): Promise<ServerHandle> {
  return listen(
    async (req) => {
      if (req.path.startsWith(CONTROL_PREFIX)) {
        const hit = o.control.match(req.method, req.path);
        return hit
          ? hit.handler({ ...req, params: hit.params })
          : { status: 404, body: { error: 'unknown_control_endpoint' } };
      }
      const at = o.now();
      const match = o.faults.take(req);
      if (match.latencyMs > 0) await delay(match.latencyMs);
      let res: SandboxResponse;
      if (match.fault) res = o.hooks.faultResponse(match.fault, req);
      else res = o.hooks.before?.(req) ?? (await route(o, req));
      if (o.hooks.decorate) res = o.hooks.decorate(req, res);
      o.requests.record({
        at,
        method: req.method,
        path: req.path,
        query: req.query,
        headers: req.headers,
        status: res.status,
        injectedLatencyMs: match.latencyMs,
        faults: match.applied,
      });
      return res;
    },
    o.port === undefined ? {} : { port: o.port },
  );
}

async function route(o: HostOptions, req: SandboxRequest): Promise<SandboxResponse> {
  const hit = o.routes.match(req.method, o.hooks.routePath?.(req.path) ?? req.path);
  return hit ? hit.handler({ ...req, params: hit.params }) : o.hooks.notFound(req);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
