/**
 * The `/__sandbox/*` control endpoints, so a test in another process can drive a running
 * sandbox the same way an in-process test uses the handles on RunningSandbox. These requests
 * bypass faults and are not written to the request log.
 */
import { FaultSpecError, parseFaultSpec, type FaultInjector, type FaultSpec } from './faults.ts';
import type { RequestLog, RequestFilter } from './request-log.ts';
import { json, Router, type SandboxRequest } from './server.ts';
import type { TokenStore } from './tokens.ts';
import type { RemoteControl } from './types.ts';

export const CONTROL_PREFIX = '/__sandbox/';

export interface ControlDeps {
  provider: string;
  faults: FaultInjector;
  requests: RequestLog;
  tokens: TokenStore;
  remote: RemoteControl;
  reset(): void;
  /** Platform extras merged into GET /__sandbox/stats. */
  stats?(): Record<string, unknown>;
}

/** Builds the control router (or adds to one the sandbox already holds); a sandbox may add its own routes to the returned router. */
export function controlRouter(d: ControlDeps, r: Router = new Router()): Router {
  r.add('POST', '/__sandbox/faults', (req) => {
    const input = Array.isArray(req.body['faults']) ? (req.body['faults'] as unknown[]) : [req.body];
    let specs: FaultSpec[];
    try {
      specs = input.map(parseFaultSpec);
    } catch (err) {
      if (err instanceof FaultSpecError) return json(400, { error: 'invalid_fault', message: err.message });
      throw err;
    }
    return json(201, { ids: specs.map((s) => d.faults.add(s)) });
  });
  r.add('GET', '/__sandbox/faults', () => json(200, { faults: d.faults.list() }));
  r.add('DELETE', '/__sandbox/faults', () => {
    d.faults.clear();
    return json(200, { cleared: true });
  });
  r.add('DELETE', '/__sandbox/faults/:id', (req) => json(d.faults.remove(req.params['id'] ?? '') ? 200 : 404, {}));

  r.add('GET', '/__sandbox/requests', (req) => {
    const filter: RequestFilter = {};
    if (req.query['method']) filter.method = req.query['method'];
    if (req.query['path_prefix']) filter.pathPrefix = req.query['path_prefix'];
    if (req.query['path_includes']) filter.pathIncludes = req.query['path_includes'];
    if (req.query['status']) filter.status = Number(req.query['status']);
    return json(200, { total: d.requests.total, requests: d.requests.entries(filter) });
  });
  r.add('DELETE', '/__sandbox/requests', () => {
    d.requests.clear();
    return json(200, { cleared: true });
  });

  r.add('POST', '/__sandbox/revoke', (req) => json(200, { revoked: revoke(d.tokens, req) }));

  r.add('POST', '/__sandbox/reset', () => {
    d.reset();
    return json(200, { reset: true });
  });

  r.add('GET', '/__sandbox/stats', () =>
    json(200, {
      provider: d.provider,
      requests: d.requests.total,
      faults: d.faults.list().length,
      tokens: d.tokens.summary(),
      refreshes: d.tokens.refreshTotals(),
      ...d.stats?.(),
    }),
  );

  r.add('POST', '/__sandbox/remote/edit', (req) =>
    remoteCall(() => d.remote.edit(str(req.body['id']), patchOf(req.body['patch']))),
  );
  r.add('POST', '/__sandbox/remote/delete', (req) => remoteCall(() => d.remote.delete(str(req.body['id']))));

  return r;
}

/** `{token}`, `{grantId}`, `{subject}` or `{all: true}`; `reason` is kept on the record. */
function revoke(tokens: TokenStore, req: SandboxRequest): number {
  const b = req.body;
  const reason = typeof b['reason'] === 'string' ? b['reason'] : 'revoked';
  if (typeof b['token'] === 'string') return tokens.revoke(b['token'], reason) ? 1 : 0;
  if (typeof b['grantId'] === 'string') return tokens.revokeGrant(b['grantId'], reason);
  if (typeof b['subject'] === 'string') return tokens.revokeSubject(b['subject'], undefined, reason);
  if (b['all'] === true) return tokens.revokeWhere(() => true, reason);
  return 0;
}

function remoteCall(fn: () => void) {
  try {
    fn();
    return json(200, { ok: true });
  } catch (err) {
    return json(404, { error: 'remote_edit_failed', message: err instanceof Error ? err.message : String(err) });
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function patchOf(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
