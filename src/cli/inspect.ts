/**
 * Inspection commands for an operator, talking to a running Plexus over its HTTP API: the
 * admin token for organisations, an org API key for everything inside one org. Human tables
 * by default, `--json` for scripts. Exit codes: 0 done, 1 the API refused or a check failed,
 * 2 Plexus could not be reached, 64 wrong usage.
 */
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
  const o: Options = { url: env.PLEXUS_URL ?? `http://127.0.0.1:${env.PORT ?? 3000}`, key: env.PLEXUS_API_KEY, adminToken: env.PLEXUS_ADMIN_TOKEN, json: false, args, flags: {} };
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

async function call(o: Options, as: 'org' | 'admin' | 'none', method: 'GET' | 'POST', path: string): Promise<any> {
  const token = as === 'org' ? o.key : as === 'admin' ? o.adminToken : undefined;
  if (as !== 'none' && !token) throw new CliError(as === 'org' ? 'an org API key is needed: --key or PLEXUS_API_KEY' : 'the admin token is needed: --admin-token or PLEXUS_ADMIN_TOKEN', EXIT.usage);
  let res: Response;
  try {
    res = await fetch(`${o.url}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    throw new CliError(`cannot reach Plexus at ${o.url}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`, EXIT.unreachable);
  }
  const text = await res.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new CliError(`${o.url}${path} answered ${res.status} with something that is not JSON: ${text.slice(0, 120)}`, EXIT.failed);
  }
  if (!res.ok && !(path === '/healthz' && res.status === 503)) {
    const details = Array.isArray(body?.error?.details) ? ` (${body.error.details.map((d: { path?: string; message: string }) => `${d.path ? `${d.path}: ` : ''}${d.message}`).join('; ')})` : '';
    throw new CliError(`${body?.error?.code ?? res.status}: ${body?.error?.message ?? text.slice(0, 200)}${details}`, EXIT.failed);
  }
  return body;
}

async function all(o: Options, as: 'org' | 'admin', path: string): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: { data: any[]; next_cursor: string | null } = await call(o, as, 'GET', `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

/** The newest `limit` rows of a list, page by page. */
async function take(o: Options, path: string, limit: number): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: { data: any[]; next_cursor: string | null } = await call(o, 'org', 'GET', `${path}${sep}limit=${Math.min(200, limit - out.length)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
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
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new CliError('--limit must be a whole number from 1 to 10000', EXIT.usage);
      continue;
    }
    const param = allowed[flag];
    if (!param) throw new CliError(`unknown option --${flag} (this command takes ${[...Object.keys(allowed), 'limit'].map((f) => `--${f}`).join(', ')})`, EXIT.usage);
    q.set(param, value);
  }
  const query = q.toString();
  return { query: query ? `?${query}` : '', limit };
}

const cell = (v: unknown) => (v === null || v === undefined ? '-' : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Rows as an aligned text table with the given columns. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)\n';
  const cells = rows.map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n')}\n`;
}

const record = (r: Record<string, unknown>) => `${Object.entries(r).filter(([, v]) => typeof v !== 'object' || v === null).map(([k, v]) => `${k.padEnd(24)} ${cell(v)}`).join('\n')}\n`;

const progress = (done: number, total: number) => (total > 0 ? `${done}/${total} (${Math.round((done / total) * 100)}%)` : '0/0');

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
  let health: any;
  try {
    health = await call(o, 'none', 'GET', '/healthz');
    checks.push({ check: 'plexus', ok: true, detail: `answers at ${o.url}` });
  } catch (err) {
    checks.push({ check: 'plexus', ok: false, detail: (err as Error).message });
  }
  if (health) {
    const c = health.checks;
    checks.push({ check: 'database', ok: !!c.database?.ok, detail: c.database?.ok ? 'answers' : (c.database?.error ?? 'down') });
    checks.push({ check: 'migrations', ok: !!c.migrations?.ok, detail: `${c.migrations?.applied ?? '?'} of ${c.migrations?.expected} applied` });
    checks.push({ check: 'workers', ok: !!c.worker?.ok, detail: c.worker?.heartbeat_age_seconds == null ? 'no worker heartbeat' : `last heartbeat ${c.worker.heartbeat_age_seconds}s ago` });
  }
  let versions: VersionRow[] | undefined;
  if (o.key) {
    try {
      versions = ((await call(o, 'org', 'GET', '/v1/providers')).data as any[]).map((p) => ({
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
      checks.push({ check: `reach ${name}`, ok: false, detail: `${origin}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}` });
    }
  }
  const ok = checks.every((c) => c.ok);
  const near = (versions ?? []).filter((v) => v.state !== 'current');
  const human = `${table(checks.map((c) => ({ ...c, ok: c.ok ? 'ok' : 'FAIL' })), ['check', 'ok', 'detail'])}${near.length ? `\nPlatform versions to act on\n${table(near, ['provider', 'api_version', 'state', 'sunset', 'days_to_sunset', 'move_to'])}` : ''}${ok ? 'All checks passed.\n' : 'Some checks failed.\n'}`;
  return { json: { ok, checks, ...(versions ? { platform_versions: versions } : {}) }, human, exitCode: ok ? EXIT.ok : EXIT.failed };
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

const OPERATION_FLAGS = { connection: 'connection_id', provider: 'provider', type: 'type', status: 'status', since: 'since', until: 'until', search: 'q' };
const AUDIT_FLAGS = { 'actor-type': 'actor_type', 'actor-id': 'actor_id', action: 'action', 'target-type': 'target_type', 'target-id': 'target_id', since: 'since', until: 'until' };

async function operationsList(o: Options): Promise<Output> {
  const f = filters(o, OPERATION_FLAGS);
  const rows = (await take(o, `/v1/operations${f.query}`, f.limit)).map((r) => ({ ...r, error: r.error ? `${r.error.code}: ${r.error.message}` : null }));
  return { json: rows, human: table(rows, ['id', 'type', 'status', 'provider', 'connection_id', 'started_at', 'duration_ms', 'error']) };
}

async function operationShow(o: Options, id: string): Promise<Output> {
  const op = await call(o, 'org', 'GET', `/v1/operations/${encodeURIComponent(id)}`);
  const messages = (op.messages as any[]).map((m) => ({ ...m, status: m.http?.status, ms: m.http?.duration_ms }));
  const summary = Object.entries(op.summary as Record<string, number>).map(([k, v]) => `${k}=${v}`).join(' ') || '-';
  const human = `${record({ ...op, error: op.error ? `${op.error.code}: ${op.error.message}` : null, summary })}\nMessages\n${table(messages, ['seq', 'at', 'level', 'kind', 'status', 'ms', 'message'])}${op.children.length ? `\nInside it\n${table(op.children, ['id', 'type', 'status', 'started_at', 'duration_ms'])}` : ''}`;
  return { json: op, human };
}

async function auditList(o: Options): Promise<Output> {
  const f = filters(o, AUDIT_FLAGS);
  const rows = (await take(o, `/v1/audit${f.query}`, f.limit)).map((r) => ({
    ...r,
    by: `${r.actor.type}${r.actor.label ? ` ${r.actor.label}` : r.actor.id ? ` ${r.actor.id}` : ''}`,
    on: r.target ? `${r.target.type} ${r.target.id ?? ''}`.trim() : null,
  }));
  return { json: rows, human: table(rows, ['at', 'by', 'action', 'on', 'request_id']) };
}

/** A connection's diagnostics for people: health, what failed last, token, rate limits, advice. */
function diagnosticsText(d: any): string {
  const limits = (w: any) => `${w.calls} calls, ${w.errors} errors, ${w.rate_limited} rate-limited, ${w.server_errors} server errors`;
  const work = (d.work as any[]).map((w) => ({ work: w.type, last_success_at: w.last_success_at, last_error_at: w.last_error?.at, last_error: w.last_error ? `${w.last_error.code ?? ''} ${w.last_error.message ?? ''}`.trim() : null }));
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
  })}${work.length ? `\n${table(work, ['work', 'last_success_at', 'last_error_at', 'last_error'])}` : ''}${(d.recent_failing_calls as any[]).length ? `\nRecent failing calls\n${table((d.recent_failing_calls as any[]).map((c) => ({ at: c.at, status: c.http.status, call: `${c.http.method} ${c.http.host}${c.http.path}`, operation_id: c.operation_id })), ['at', 'status', 'call', 'operation_id'])}` : ''}${(d.advice as string[]).map((a) => `Advice: ${a}\n`).join('')}`;
}

async function dispatch(o: Options, env: NodeJS.ProcessEnv): Promise<Output> {
  const [cmd, sub, arg] = o.args;
  const flag = Object.keys(o.flags)[0];
  if (flag !== undefined && cmd !== 'audit' && !(cmd === 'operations' && sub !== 'show')) throw new CliError(`unknown option --${flag}`, EXIT.usage);
  switch (`${cmd} ${sub ?? ''}`.trim()) {
    case 'orgs list': {
      const rows = await all(o, 'admin', '/v1/admin/orgs');
      return { json: rows, human: table(rows, ['id', 'name', 'connections', 'active_api_keys', 'dead_letters', 'created_at']) };
    }
    case 'orgs show': {
      const org = await call(o, 'admin', 'GET', `/v1/admin/orgs/${encodeURIComponent(need(arg, 'org id'))}`);
      return { json: org, human: record(org) };
    }
    case 'connections list': {
      const rows = await all(o, 'org', '/v1/connections');
      return { json: rows, human: table(rows, ['id', 'provider', 'status', 'display_name', 'expires_at', 'last_sync_at', 'last_refresh_error']) };
    }
    case 'connections show': {
      const id = encodeURIComponent(need(arg, 'connection id'));
      const connection = await call(o, 'org', 'GET', `/v1/connections/${id}`);
      const syncs: any[] = (await call(o, 'org', 'GET', `/v1/connections/${id}/syncs`)).data;
      // Diagnostics where this Plexus has them (an older one answers 404 for the route).
      const diagnostics = await call(o, 'org', 'GET', `/v1/connections/${id}/diagnostics`).catch((err: unknown) => {
        if (err instanceof CliError && /^(route_not_found|not_found|404)\b/.test(err.message)) return null;
        throw err;
      });
      const human = `${record(connection)}\nRecent syncs\n${table(syncs.slice(0, 5), ['id', 'status', 'reason', 'pages', 'records', 'error', 'started_at', 'finished_at'])}${diagnostics ? `\nDiagnostics\n${diagnosticsText(diagnostics)}` : ''}`;
      return { json: { connection, syncs, diagnostics }, human };
    }
    case `syncs ${sub}`: {
      if (!sub) break;
      const rows: any[] = (await call(o, 'org', 'GET', `/v1/connections/${encodeURIComponent(sub)}/syncs`)).data;
      return { json: rows, human: table(rows, ['id', 'status', 'reason', 'pages', 'records', 'rate_limit_waits', 'error', 'started_at', 'finished_at']) };
    }
    case 'publishes list':
    case 'publishes': {
      const rows = (await all(o, 'org', '/v1/publish')).map((b) => ({ ...b, progress: progress(b.done + b.failed, b.total) }));
      return { json: rows, human: table(rows, ['id', 'status', 'dry_run', 'progress', 'failed', 'created_at', 'finished_at']) };
    }
    case 'publishes show': {
      const b = await call(o, 'org', 'GET', `/v1/publish/${encodeURIComponent(need(arg, 'batch id'))}`);
      const human = `${record({ ...b, progress: progress(b.done + b.failed, b.total) })}\nItems\n${table(b.items ?? [], ['item_id', 'connection_id', 'status', 'action', 'remote_id', 'error'])}`;
      return { json: b, human };
    }
    case 'dead-letters list':
    case 'dead-letters': {
      const rows = await all(o, 'org', '/v1/dead-letters');
      return { json: rows, human: table(rows, ['id', 'task', 'attempts', 'error_code', 'error_message', 'failed_at', 'replayed_at']) };
    }
    case 'dead-letters replay': {
      const r = await call(o, 'org', 'POST', `/v1/dead-letters/${encodeURIComponent(need(arg, 'dead letter id'))}/replay`);
      return { json: r, human: `Replayed as job ${r.replay_job_id ?? '?'}.\n` };
    }
    case `deliveries ${sub}`: {
      if (!sub) break;
      const rows = await all(o, 'org', `/v1/webhook-endpoints/${encodeURIComponent(sub)}/deliveries`);
      return { json: rows, human: table(rows, ['id', 'event_type', 'status', 'attempts', 'last_status_code', 'next_attempt_at', 'delivered_at']) };
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
export async function inspectCommand(argv: string[], env: NodeJS.ProcessEnv = process.env, out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
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
