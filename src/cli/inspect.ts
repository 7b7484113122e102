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
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const args: string[] = [];
  const o: Options = { url: env.PLEXUS_URL ?? `http://127.0.0.1:${env.PORT ?? 3000}`, key: env.PLEXUS_API_KEY, adminToken: env.PLEXUS_ADMIN_TOKEN, json: false, args };
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
    else if (a.startsWith('--')) throw new CliError(`unknown option ${a}`, EXIT.usage);
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
  const body = text ? JSON.parse(text) : undefined;
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
  if (o.key) {
    try {
      const providers: any[] = (await call(o, 'org', 'GET', '/v1/providers')).data;
      const sunsets = providers.filter((p) => p.sunset_at || p.api_version_sunset_at);
      checks.push({ check: 'platform versions', ok: true, detail: sunsets.length ? sunsets.map((p) => `${p.id} ${p.api_version} sunsets ${p.sunset_at ?? p.api_version_sunset_at}`).join('; ') : `${providers.length} platforms, no sunset announced` });
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
  return { json: { ok, checks }, human: `${table(checks.map((c) => ({ ...c, ok: c.ok ? 'ok' : 'FAIL' })), ['check', 'ok', 'detail'])}${ok ? 'All checks passed.\n' : 'Some checks failed.\n'}`, exitCode: ok ? EXIT.ok : EXIT.failed };
}

async function dispatch(o: Options, env: NodeJS.ProcessEnv): Promise<Output> {
  const [cmd, sub, arg] = o.args;
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
      // Diagnostics where this Plexus has them (older ones answer 404).
      const diagnostics = await call(o, 'org', 'GET', `/v1/connections/${id}/diagnostics`).catch(() => null);
      const human = `${record(connection)}\nRecent syncs\n${table(syncs.slice(0, 5), ['id', 'status', 'reason', 'pages', 'records', 'error', 'started_at', 'finished_at'])}${diagnostics ? `\nDiagnostics\n${JSON.stringify(diagnostics, null, 2)}\n` : ''}`;
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
