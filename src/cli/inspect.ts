/**
 * Inspection commands for an operator, talking to a running Plexus over its HTTP API: the
 * admin token for organisations, an org API key for everything inside one org. Human tables
 * by default, `--json` for scripts. Exit codes: 0 done, 1 the API refused or a check failed,
 * 2 Plexus could not be reached, 64 wrong usage.
 */
import type { paths } from '@plexus/sdk';
import { loadConfig } from '../config/schema.ts';

export const EXIT = { ok: 0, failed: 1, unreachable: 2, usage: 64 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

interface Options {
  url: string;
  key: string | undefined;
  adminToken: string | undefined;
  json: boolean;
  args: string[];
  /** `--name value` filters of list commands; each command says which it takes. */
  flags: Record<string, string>;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const args: string[] = [];
  const o: Options = {
    url: env.PLEXUS_URL ?? `http://127.0.0.1:${env.PORT ?? 3000}`,
    key: env.PLEXUS_API_KEY,
    adminToken: env.PLEXUS_ADMIN_TOKEN,
    json: false,
    args,
    flags: {},
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new CliError(`${a} needs a value`, EXIT.usage);
      return v;
    };
    if (a === '--json') o.json = true;
    else if (a === '--url') o.url = value();
    else if (a === '--key') o.key = value();
    else if (a === '--admin-token') o.adminToken = value();
    else if (a.startsWith('--') && a.length > 2) o.flags[a.slice(2)] = value();
    else if (a.startsWith('-')) throw new CliError(`unknown option ${a}`, EXIT.usage);
    else args.push(a);
  }
  o.url = o.url.replace(/\/$/, '');
  return o;
}

/** The JSON answer of a successful call of an operation in the generated API types. */
type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Ok<Op> = Op extends { responses: infer R } ? Json<R[Extract<keyof R, 200 | 201 | 202>]> : never;
type GetPath = { [P in keyof paths]: paths[P] extends { get: object } ? P : never }[keyof paths];
type PostPath = { [P in keyof paths]: paths[P] extends { post: object } ? P : never }[keyof paths];
type Answer<P extends keyof paths, M extends 'get' | 'post'> = paths[P] extends Record<M, infer Op> ? Ok<Op> : never;
type Item<P extends GetPath> = Answer<P, 'get'> extends { data: (infer T)[] } ? T : never;

/** `/healthz` is not part of the API description: the fields the doctor reads. */
interface Health {
  checks: {
    database?: { ok: boolean; error?: string };
    migrations?: { ok: boolean; applied?: number; expected?: number };
    worker?: { ok: boolean; heartbeat_age_seconds?: number | null };
  };
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: { path?: string; message: string }[] };
}

/** A route template with its `{id}` filled in and a query appended. */
const at = (template: string, id?: string, query = '') =>
  `${id === undefined ? template : template.replace('{id}', encodeURIComponent(id))}${query}`;

async function request(
  o: Options,
  as: 'org' | 'admin' | 'none',
  method: 'GET' | 'POST',
  path: string,
): Promise<unknown> {
  const token = as === 'org' ? o.key : as === 'admin' ? o.adminToken : undefined;
  if (as !== 'none' && !token)
    throw new CliError(
      as === 'org'
        ? 'an org API key is needed: --key or PLEXUS_API_KEY'
        : 'the admin token is needed: --admin-token or PLEXUS_ADMIN_TOKEN',
      EXIT.usage,
    );
  let res: Response;
  try {
    res = await fetch(`${o.url}${path}`, {
      method,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    const e = err as Error;
    throw new CliError(
      `cannot reach Plexus at ${o.url}: ${e.cause instanceof Error ? e.cause.message : e.message}`,
      EXIT.unreachable,
    );
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new CliError(
      `${o.url}${path} answered ${res.status} with something that is not JSON: ${text.slice(0, 120)}`,
      EXIT.failed,
    );
  }
  if (!res.ok && !(path === '/healthz' && res.status === 503)) {
    const error = (body as ErrorBody | undefined)?.error;
    const details = Array.isArray(error?.details)
      ? ` (${error.details.map((d) => `${d.path ? `${d.path}: ` : ''}${d.message}`).join('; ')})`
      : '';
    throw new CliError(`${error?.code ?? res.status}: ${error?.message ?? text.slice(0, 200)}${details}`, EXIT.failed);
  }
  return body;
}

/** A GET of an API operation, its answer typed by the generated API description. */
const get = async <P extends GetPath>(o: Options, as: 'org' | 'admin', template: P, id?: string, query?: string) =>
  (await request(o, as, 'GET', at(template, id, query))) as Answer<P, 'get'>;

const post = async <P extends PostPath>(o: Options, as: 'org' | 'admin', template: P, id?: string) =>
  (await request(o, as, 'POST', at(template, id))) as Answer<P, 'post'>;

/** Up to `limit` rows of a list, newest first, page by page (every row without a limit). */
async function take<P extends GetPath>(
  o: Options,
  as: 'org' | 'admin',
  template: P,
  opts: { id?: string; query?: string; limit?: number } = {},
): Promise<Item<P>[]> {
  const out: Item<P>[] = [];
  const limit = opts.limit ?? Infinity;
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams(opts.query?.replace(/^\?/, ''));
    q.set('limit', String(Math.min(200, limit - out.length)));
    if (cursor) q.set('cursor', cursor);
    const page = (await get(o, as, template, opts.id, `?${q.toString()}`)) as {
      data: Item<P>[];
      next_cursor: string | null;
    };
    out.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor && out.length < limit);
  return out;
}

/**
 * The query of a list command from its flags (`--connection x` → `connection_id=x`); a flag
 * the command does not take is wrong usage, not something to ignore.
 */
function filters(o: Options, allowed: Record<string, string>): { query: string; limit: number } {
  const q = new URLSearchParams();
  let limit = 50;
  for (const [flag, value] of Object.entries(o.flags)) {
    if (flag === 'limit') {
      limit = Number(value);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
        throw new CliError('--limit must be a whole number from 1 to 10000', EXIT.usage);
      continue;
    }
    const param = allowed[flag];
    if (!param)
      throw new CliError(
        `unknown option --${flag} (this command takes ${[...Object.keys(allowed), 'limit'].map((f) => `--${f}`).join(', ')})`,
        EXIT.usage,
      );
    q.set(param, value);
  }
  const query = q.toString();
  return { query: query ? `?${query}` : '', limit };
}

const cell = (v: unknown): string => {
  if (v === null || v === undefined) return '-';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v.toString();
  return JSON.stringify(v) ?? '-';
};

/** Rows as an aligned text table with the given columns. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)\n';
  const cells = rows.map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n')}\n`;
}

const record = (r: Record<string, unknown>) =>
  `${Object.entries(r)
    .filter(([, v]) => typeof v !== 'object' || v === null)
    .map(([k, v]) => `${k.padEnd(24)} ${cell(v)}`)
    .join('\n')}\n`;

const progress = (done: number, total: number) =>
  total > 0 ? `${done}/${total} (${Math.round((done / total) * 100)}%)` : '0/0';

interface Output {
  json: unknown;
  human: string;
  exitCode?: number;
}

function need(arg: string | undefined, what: string): string {
  if (!arg) throw new CliError(`missing ${what}`, EXIT.usage);
  return arg;
}

async function doctor(o: Options, env: NodeJS.ProcessEnv): Promise<Output> {
  const checks: { check: string; ok: boolean; detail: string }[] = [];
  try {
    loadConfig(env);
    checks.push({ check: 'configuration', ok: true, detail: 'every setting parses' });
  } catch (err) {
    checks.push({ check: 'configuration', ok: false, detail: (err as Error).message.replace(/\n/g, '; ') });
  }
  let health: Health | undefined;
  try {
    health = (await request(o, 'none', 'GET', '/healthz')) as Health;
    checks.push({ check: 'plexus', ok: true, detail: `answers at ${o.url}` });
  } catch (err) {
    checks.push({ check: 'plexus', ok: false, detail: (err as Error).message });
  }
  if (health) {
    const c = health.checks;
    checks.push({
      check: 'database',
      ok: !!c.database?.ok,
      detail: c.database?.ok ? 'answers' : (c.database?.error ?? 'down'),
    });
    checks.push({
      check: 'migrations',
      ok: !!c.migrations?.ok,
      detail: `${c.migrations?.applied ?? '?'} of ${c.migrations?.expected} applied`,
    });
    const age = c.worker?.heartbeat_age_seconds;
    checks.push({
      check: 'workers',
      ok: !!c.worker?.ok,
      detail: age == null ? 'no worker heartbeat' : `last heartbeat ${age}s ago`,
    });
  }
  let versions: VersionRow[] | undefined;
  if (o.key) {
    try {
      versions = (await get(o, 'org', '/v1/providers')).data.map((p) => ({
        provider: p.id,
        api_version: p.api_version,
        state: p.version_lifecycle.state,
        sunset: p.version_lifecycle.sunset,
        days_to_sunset: p.version_lifecycle.days_to_sunset,
        tentative: p.version_lifecycle.sunset_tentative,
        move_to: p.version_lifecycle.pinned_version,
      }));
      checks.push(versionCheck(versions));
    } catch (err) {
      checks.push({ check: 'platform versions', ok: false, detail: (err as Error).message });
    }
  }
  // Platform origins set in the environment (PLEXUS_<ID>_BASE_URL): can this machine reach them?
  for (const [name, value] of Object.entries(env).filter(([k, v]) => /^PLEXUS_[A-Z_]+_BASE_URL$/.test(k) && v)) {
    const origin = new URL(value!).origin;
    try {
      const res = await fetch(origin, { method: 'HEAD', signal: AbortSignal.timeout(5000) });
      checks.push({ check: `reach ${name}`, ok: true, detail: `${origin} answered ${res.status}` });
    } catch (err) {
      checks.push({
        check: `reach ${name}`,
        ok: false,
        detail: `${origin}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}`,
      });
    }
  }
  const ok = checks.every((c) => c.ok);
  const near = (versions ?? []).filter((v) => v.state !== 'current');
  const human = `${table(
    checks.map((c) => ({ ...c, ok: c.ok ? 'ok' : 'FAIL' })),
    ['check', 'ok', 'detail'],
  )}${near.length ? `\nPlatform versions to act on\n${table(near, ['provider', 'api_version', 'state', 'sunset', 'days_to_sunset', 'move_to'])}` : ''}${ok ? 'All checks passed.\n' : 'Some checks failed.\n'}`;
  return {
    json: { ok, checks, ...(versions ? { platform_versions: versions } : {}) },
    human,
    exitCode: ok ? EXIT.ok : EXIT.failed,
  };
}

type VersionRow = {
  provider: string;
  api_version: string;
  state: 'current' | 'sunset_soon' | 'sunset_passed' | 'unknown';
  sunset: string | null;
  days_to_sunset: number | null;
  tentative: boolean;
  move_to: string;
};

/** A version past its sunset fails the check (its calls fail); one near it, or undated, is named in the detail. */
function versionCheck(versions: VersionRow[]): { check: string; ok: boolean; detail: string } {
  const say = (v: VersionRow) =>
    v.state === 'unknown'
      ? `${v.provider} ${v.api_version} has no known sunset date (Plexus pins ${v.move_to})`
      : `${v.provider} ${v.api_version} ${v.state === 'sunset_passed' ? 'passed its' : `reaches its ${v.days_to_sunset}-day`} ${v.tentative ? 'projected ' : ''}sunset ${v.sunset}${v.move_to !== v.api_version ? `; move to ${v.move_to}` : ''}`;
  const passed = versions.filter((v) => v.state === 'sunset_passed');
  const warned = versions.filter((v) => v.state === 'sunset_soon' || v.state === 'unknown');
  const detail = [...passed, ...warned].map(say).join('; ') || `${versions.length} platforms, none near a sunset`;
  return { check: 'platform versions', ok: passed.length === 0, detail };
}

const OPERATION_FLAGS = {
  connection: 'connection_id',
  provider: 'provider',
  type: 'type',
  status: 'status',
  since: 'since',
  until: 'until',
  search: 'q',
};
const AUDIT_FLAGS = {
  'actor-type': 'actor_type',
  'actor-id': 'actor_id',
  action: 'action',
  'target-type': 'target_type',
  'target-id': 'target_id',
  since: 'since',
  until: 'until',
};

async function operationsList(o: Options): Promise<Output> {
  const f = filters(o, OPERATION_FLAGS);
  const rows = (await take(o, 'org', '/v1/operations', { query: f.query, limit: f.limit })).map((r) => ({
    ...r,
    error: r.error ? `${r.error.code}: ${r.error.message}` : null,
  }));
  return {
    json: rows,
    human: table(rows, ['id', 'type', 'status', 'provider', 'connection_id', 'started_at', 'duration_ms', 'error']),
  };
}

async function operationShow(o: Options, id: string): Promise<Output> {
  const op = await get(o, 'org', '/v1/operations/{id}', id);
  const messages = op.messages.map((m) => ({ ...m, status: m.http?.status, ms: m.http?.duration_ms }));
  const summary =
    Object.entries(op.summary)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || '-';
  const human = `${record({ ...op, error: op.error ? `${op.error.code}: ${op.error.message}` : null, summary })}\nMessages\n${table(messages, ['seq', 'at', 'level', 'kind', 'status', 'ms', 'message'])}${op.children.length ? `\nInside it\n${table(op.children, ['id', 'type', 'status', 'started_at', 'duration_ms'])}` : ''}`;
  return { json: op, human };
}

async function auditList(o: Options): Promise<Output> {
  const f = filters(o, AUDIT_FLAGS);
  const rows = (await take(o, 'org', '/v1/audit', { query: f.query, limit: f.limit })).map((r) => ({
    ...r,
    by: `${r.actor.type}${r.actor.label ? ` ${r.actor.label}` : r.actor.id ? ` ${r.actor.id}` : ''}`,
    on: r.target ? `${r.target.type} ${r.target.id ?? ''}`.trim() : null,
  }));
  return { json: rows, human: table(rows, ['at', 'by', 'action', 'on', 'request_id']) };
}

type Diagnostics = Answer<'/v1/connections/{id}/diagnostics', 'get'>;

/** A connection's diagnostics for people: health, what failed last, token, rate limits, advice. */
function diagnosticsText(d: Diagnostics): string {
  const limits = (w: Diagnostics['rate_limit']['last_hour']) =>
    `${w.calls} calls, ${w.errors} errors, ${w.rate_limited} rate-limited, ${w.server_errors} server errors`;
  const work = d.work.map((w) => ({
    work: w.type,
    last_success_at: w.last_success_at,
    last_error_at: w.last_error?.at,
    last_error: w.last_error ? `${w.last_error.code ?? ''} ${w.last_error.message ?? ''}`.trim() : null,
  }));
  const t = d.token;
  return `${record({
    health: d.health,
    status: d.status,
    last_sync_at: d.last_sync_at,
    token_expires_at: t.expires_at,
    next_refresh_at: t.next_refresh_at,
    refresh_failures: t.consecutive_refresh_failures,
    last_refresh_error: t.last_refresh_error,
    last_hour: limits(d.rate_limit.last_hour),
    last_day: limits(d.rate_limit.last_day),
    circuit_breaker: d.circuit_breaker.state_in_this_process,
  })}${work.length ? `\n${table(work, ['work', 'last_success_at', 'last_error_at', 'last_error'])}` : ''}${
    d.recent_failing_calls.length
      ? `\nRecent failing calls\n${table(
          d.recent_failing_calls.map((c) => ({
            at: c.at,
            status: c.http.status,
            call: `${c.http.method} ${c.http.host}${c.http.path}`,
            operation_id: c.operation_id,
          })),
          ['at', 'status', 'call', 'operation_id'],
        )}`
      : ''
  }${d.advice.map((a) => `Advice: ${a}\n`).join('')}`;
}

async function dispatch(o: Options, env: NodeJS.ProcessEnv): Promise<Output> {
  const [cmd, sub, arg] = o.args;
  const flag = Object.keys(o.flags)[0];
  if (flag !== undefined && cmd !== 'audit' && !(cmd === 'operations' && sub !== 'show'))
    throw new CliError(`unknown option --${flag}`, EXIT.usage);
  switch (`${cmd} ${sub ?? ''}`.trim()) {
    case 'orgs list': {
      const rows = await take(o, 'admin', '/v1/admin/orgs');
      return {
        json: rows,
        human: table(rows, ['id', 'name', 'connections', 'active_api_keys', 'dead_letters', 'created_at']),
      };
    }
    case 'orgs show': {
      const org = await get(o, 'admin', '/v1/admin/orgs/{id}', need(arg, 'org id'));
      return { json: org, human: record(org) };
    }
    case 'connections list': {
      const rows = await take(o, 'org', '/v1/connections');
      return {
        json: rows,
        human: table(rows, [
          'id',
          'provider',
          'status',
          'display_name',
          'expires_at',
          'last_sync_at',
          'last_refresh_error',
        ]),
      };
    }
    case 'connections show': {
      const id = need(arg, 'connection id');
      const connection = await get(o, 'org', '/v1/connections/{id}', id);
      const syncs = (await get(o, 'org', '/v1/connections/{id}/syncs', id)).data;
      // Diagnostics where this Plexus has them (an older one answers 404 for the route).
      const diagnostics = await get(o, 'org', '/v1/connections/{id}/diagnostics', id).catch((err: unknown) => {
        if (err instanceof CliError && /^(route_not_found|not_found|404)\b/.test(err.message)) return null;
        throw err;
      });
      const human = `${record(connection)}\nRecent syncs\n${table(syncs.slice(0, 5), ['id', 'status', 'reason', 'pages', 'records', 'error', 'started_at', 'finished_at'])}${diagnostics ? `\nDiagnostics\n${diagnosticsText(diagnostics)}` : ''}`;
      return { json: { connection, syncs, diagnostics }, human };
    }
    case `syncs ${sub}`: {
      if (!sub) break;
      const rows = (await get(o, 'org', '/v1/connections/{id}/syncs', sub)).data;
      return {
        json: rows,
        human: table(rows, [
          'id',
          'status',
          'reason',
          'pages',
          'records',
          'rate_limit_waits',
          'error',
          'started_at',
          'finished_at',
        ]),
      };
    }
    case 'publishes list':
    case 'publishes': {
      const rows = (await take(o, 'org', '/v1/publish')).map((b) => ({
        ...b,
        progress: progress(b.done + b.failed, b.total),
      }));
      return {
        json: rows,
        human: table(rows, ['id', 'status', 'dry_run', 'progress', 'failed', 'created_at', 'finished_at']),
      };
    }
    case 'publishes show': {
      const b = await get(o, 'org', '/v1/publish/{id}', need(arg, 'batch id'));
      const human = `${record({ ...b, progress: progress(b.done + b.failed, b.total) })}\nItems\n${table(b.items ?? [], ['item_id', 'connection_id', 'status', 'action', 'remote_id', 'error'])}`;
      return { json: b, human };
    }
    case 'dead-letters list':
    case 'dead-letters': {
      const rows = await take(o, 'org', '/v1/dead-letters');
      return {
        json: rows,
        human: table(rows, ['id', 'task', 'attempts', 'error_code', 'error_message', 'failed_at', 'replayed_at']),
      };
    }
    case 'dead-letters replay': {
      const r = await post(o, 'org', '/v1/dead-letters/{id}/replay', need(arg, 'dead letter id'));
      return { json: r, human: `Replayed as job ${r.replay_job_id ?? '?'}.\n` };
    }
    case `deliveries ${sub}`: {
      if (!sub) break;
      const rows = await take(o, 'org', '/v1/webhook-endpoints/{id}/deliveries', { id: sub });
      return {
        json: rows,
        human: table(rows, [
          'id',
          'event_type',
          'status',
          'attempts',
          'last_status_code',
          'next_attempt_at',
          'delivered_at',
        ]),
      };
    }
    case 'operations':
    case 'operations list':
      return operationsList(o);
    case 'operations show':
      return operationShow(o, need(arg, 'operation id'));
    case 'audit':
    case 'audit list':
      return auditList(o);
    case 'doctor':
      return doctor(o, env);
  }
  throw new CliError(`unknown command: ${o.args.join(' ')}`, EXIT.usage);
}

/** Runs one inspection command; returns the exit code. */
export async function inspectCommand(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  try {
    const o = parseOptions(argv, env);
    const r = await dispatch(o, env);
    out(o.json ? `${JSON.stringify(r.json, null, 2)}\n` : r.human);
    return r.exitCode ?? EXIT.ok;
  } catch (e) {
    if (e instanceof CliError) {
      err(`plexus: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}
