/**
 * Fault injection shared by every sandbox. Tests add rules (in-process, or over
 * `POST /__sandbox/faults`); each incoming request consumes the rules that match it. The
 * sandbox turns a matched rate-limit or server-error rule into its platform's own response
 * (status, error envelope, headers) through a hook, so the kit never guesses a platform's shape.
 */

export type FaultKind = 'rate_limit' | 'server_error' | 'latency';

export interface FaultSpec {
  kind: FaultKind;
  /** How many matching requests this rule affects. Default 1, or unlimited while `forMs` runs. */
  times?: number;
  /** Active for this long after it is added (sandbox clock). */
  forMs?: number;
  /** Only requests whose path starts with this (also tried without a leading API version). */
  pathPrefix?: string;
  /** Only this HTTP method. */
  method?: string;
  /** Response status for server_error (default 500) or to override a platform's rate-limit status. */
  status?: number;
  /** Added delay for latency rules. */
  latencyMs?: number;
  /** Platform-specific variant, e.g. Meta throttling code 4, 17, 613 or 80004. */
  code?: number | string;
  /** Seconds the platform tells the client to wait, where it has such a signal. */
  retryAfterSeconds?: number;
}

export interface ActiveFault extends FaultSpec {
  id: string;
  addedAt: number;
  /** Requests this rule has affected so far. */
  hits: number;
}

export interface FaultMatch {
  latencyMs: number;
  /** The first rate-limit or server-error rule that matched, if any. */
  fault?: ActiveFault;
  /** Kinds applied to this request, for the request log. */
  applied: FaultKind[];
}

export class FaultSpecError extends Error {}

const KINDS: readonly FaultKind[] = ['rate_limit', 'server_error', 'latency'];

/** Checks a rule that may have come over HTTP as untyped JSON. */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (!input || typeof input !== 'object') throw new FaultSpecError('fault must be an object');
  const o = input as Record<string, unknown>;
  if (!KINDS.includes(o['kind'] as FaultKind)) throw new FaultSpecError(`kind must be one of ${KINDS.join(', ')}`);
  const spec: FaultSpec = { kind: o['kind'] as FaultKind };
  const num = (key: 'times' | 'forMs' | 'status' | 'latencyMs' | 'retryAfterSeconds', min: number): void => {
    const v = o[key];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min)
      throw new FaultSpecError(`${key} must be a number >= ${min}`);
    spec[key] = v;
  };
  num('times', 1);
  num('forMs', 1);
  num('status', 100);
  num('latencyMs', 0);
  num('retryAfterSeconds', 0);
  for (const key of ['pathPrefix', 'method'] as const) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length === 0) throw new FaultSpecError(`${key} must be a non-empty string`);
    spec[key] = key === 'method' ? v.toUpperCase() : v;
  }
  const code = o['code'];
  if (code !== undefined) {
    if (typeof code !== 'number' && typeof code !== 'string')
      throw new FaultSpecError('code must be a number or string');
    spec.code = code;
  }
  if (spec.kind === 'latency' && spec.latencyMs === undefined)
    throw new FaultSpecError('latency faults need latencyMs');
  return spec;
}

/** Strips a leading `/v24.0`, `/v22`, `/12`-style version segment so prefixes can ignore it. */
function withoutVersion(path: string): string {
  return path.replace(/^\/v?\d+(\.\d+)?(?=\/|$)/, '') || '/';
}

export class FaultInjector {
  readonly #now: () => number;
  #rules: ActiveFault[] = [];
  #seq = 0;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  add(spec: FaultSpec): string {
    const id = `fault_${++this.#seq}`;
    this.#rules.push({ ...spec, id, addedAt: this.#now(), hits: 0 });
    return id;
  }

  /** Shorthands for the common cases. */
  rateLimit(opts: Omit<FaultSpec, 'kind'> = {}): string {
    return this.add({ ...opts, kind: 'rate_limit' });
  }

  serverError(opts: Omit<FaultSpec, 'kind'> = {}): string {
    return this.add({ ...opts, kind: 'server_error' });
  }

  latency(latencyMs: number, opts: Omit<FaultSpec, 'kind' | 'latencyMs'> = {}): string {
    return this.add({ ...opts, kind: 'latency', latencyMs });
  }

  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((r) => r.id !== id);
    return this.#rules.length !== before;
  }

  clear(): void {
    this.#rules = [];
  }

  /** Rules still able to fire. */
  list(): ActiveFault[] {
    this.#expire();
    return this.#rules.map((r) => ({ ...r }));
  }

  /** Consumes the rules matching this request. Latency rules stack; one error rule wins. */
  take(req: { method: string; path: string }): FaultMatch {
    this.#expire();
    const match: FaultMatch = { latencyMs: 0, applied: [] };
    for (const rule of this.#rules) {
      if (!this.#matches(rule, req)) continue;
      if (rule.kind === 'latency') {
        match.latencyMs += rule.latencyMs ?? 0;
        rule.hits++;
        if (!match.applied.includes('latency')) match.applied.push('latency');
      } else if (!match.fault) {
        rule.hits++;
        match.fault = { ...rule };
        match.applied.push(rule.kind);
      }
    }
    this.#expire();
    return match;
  }

  #matches(rule: ActiveFault, req: { method: string; path: string }): boolean {
    if (rule.method && rule.method !== req.method.toUpperCase()) return false;
    if (rule.pathPrefix) {
      const p = rule.pathPrefix;
      if (!req.path.startsWith(p) && !withoutVersion(req.path).startsWith(p)) return false;
    }
    return true;
  }

  #expire(): void {
    const now = this.#now();
    this.#rules = this.#rules.filter((r) => {
      const limit = r.times ?? (r.forMs === undefined ? 1 : Infinity);
      if (r.hits >= limit) return false;
      return r.forMs === undefined || now < r.addedAt + r.forMs;
    });
  }
}
