/**
 * A bounded record of the requests a sandbox served, for tests to assert on (how many pages,
 * which token was sent, whether a retry happened). Secrets are masked before they are stored,
 * so a log dump is safe to print.
 */

import { SECRET_HEADERS } from '../../core/redact.ts';

export interface LoggedRequest {
  /** 1-based position since start or last clear; keeps counting when old entries drop off. */
  seq: number;
  /** Sandbox clock at arrival, epoch ms. */
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  status: number;
  /** Injected delay, not measured time, so tests can assert on it without timing. */
  injectedLatencyMs: number;
  faults: string[];
}

export interface RequestFilter {
  method?: string;
  pathPrefix?: string;
  /** Substring anywhere in the path (e.g. `/insights`). */
  pathIncludes?: string;
  status?: number;
}

const SECRET_HEADER_SET = new Set<string>(SECRET_HEADERS);
const SECRET_QUERY = new Set([
  'access_token',
  'secret',
  'auth_code',
  'oauth_verifier',
  'oauth_token',
  'code_verifier',
  'client_secret',
  'code',
  'refresh_token',
  'input_token',
  'appsecret_proof',
  'token',
  'password',
]);

/** Keeps the last four characters so tests can tell tokens apart without storing them. */
export function maskSecret(value: string): string {
  const scheme = /^(Bearer|Basic|OAuth)\s+/i.exec(value);
  const prefix = scheme ? scheme[0] : '';
  const secret = value.slice(prefix.length);
  return `${prefix}***${secret.length > 8 ? secret.slice(-4) : ''}`;
}

function isSecretHeader(name: string): boolean {
  return SECRET_HEADER_SET.has(name) || /token|secret|signature|password/.test(name);
}

export function maskHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const key = name.toLowerCase();
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    out[key] = isSecretHeader(key) ? maskSecret(value) : value;
  }
  return out;
}

export function maskQuery(query: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query))
    out[k] = SECRET_QUERY.has(k) || /token|secret|password/.test(k) ? maskSecret(v) : v;
  return out;
}

export class RequestLog {
  readonly #capacity: number;
  #entries: LoggedRequest[] = [];
  #seq = 0;

  constructor(capacity = 2000) {
    this.#capacity = capacity;
  }

  record(
    entry: Omit<LoggedRequest, 'seq' | 'headers' | 'query'> & {
      headers: Record<string, string | string[] | undefined>;
      query: Record<string, string>;
    },
  ): LoggedRequest {
    const logged: LoggedRequest = {
      ...entry,
      seq: ++this.#seq,
      headers: maskHeaders(entry.headers),
      query: maskQuery(entry.query),
    };
    this.#entries.push(logged);
    if (this.#entries.length > this.#capacity) this.#entries.splice(0, this.#entries.length - this.#capacity);
    return logged;
  }

  entries(filter: RequestFilter = {}): LoggedRequest[] {
    return this.#entries.filter(
      (e) =>
        (filter.method === undefined || e.method === filter.method.toUpperCase()) &&
        (filter.pathPrefix === undefined || e.path.startsWith(filter.pathPrefix)) &&
        (filter.pathIncludes === undefined || e.path.includes(filter.pathIncludes)) &&
        (filter.status === undefined || e.status === filter.status),
    );
  }

  count(filter: RequestFilter = {}): number {
    return this.entries(filter).length;
  }

  last(): LoggedRequest | undefined {
    return this.#entries.at(-1);
  }

  /** Requests seen since start or last clear, including those that dropped off the ring. */
  get total(): number {
    return this.#seq;
  }

  clear(): void {
    this.#entries = [];
    this.#seq = 0;
  }
}
