/**
 * A real WordPress for tests: Debian's `wordpress` package, served by PHP's built-in server on
 * a free loopback port, over a fresh MariaDB database that is dropped on close (with the
 * site's uploads). It has an administrator (whom Plexus connects as) and an editor (a person
 * changing posts on the site), each with an application password. `scripts/setup-wordpress.sh`
 * prepares a machine; each site gets its own database and `php -S` process, so test files and
 * runs never share one.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './wait.ts';

const WORDPRESS_DIR = '/usr/share/wordpress';
/** Written by scripts/setup-wordpress.sh; the packaged wp-config.php picks it by Host. */
const SITE_CONFIG = '/etc/wordpress/config-127.0.0.1.php';
const UPLOADS_DIR = '/var/lib/wordpress/wp-content/uploads';
const PHP_SCRIPTS = path.join(import.meta.dirname, 'wordpress');
const STALE_AFTER_S = 24 * 3600;

const run = promisify(execFile);

/** A user of the site other than the administrator Plexus connects as. */
export interface RealWordPressUser {
  username: string;
  userId: number;
  appPassword: string;
  /** `Basic …` for its application password. */
  authorization: string;
}

export interface RealWordPress {
  /** `http://127.0.0.1:<port>`: what a person types as the site URL. */
  baseUrl: string;
  /** `${baseUrl}/index.php?rest_route=`: works in every permalink mode (cms.md §1.8). */
  restBase: string;
  /** The administrator's login. */
  username: string;
  /** Its application password, in WordPress's groups of four. */
  appPassword: string;
  userId: number;
  /** The MariaDB database holding this site. */
  dbName: string;
  /** `Basic …` for the application password. */
  authorization: string;
  /** A second user with the `editor` role: a person changing posts on the site, not through Plexus. */
  editor: RealWordPressUser;
  /** A REST URL: `/wp/v2/posts?per_page=5` becomes `${restBase}/wp/v2/posts&per_page=5`. */
  restUrl(route: string): string;
  /** fetch() on a REST route, authenticated with the application password unless `init` says otherwise. */
  rest(route: string, init?: RequestInit): Promise<Response>;
  /** What the PHP server printed lately (request lines, PHP warnings), for failure messages. */
  serverLog(): string;
  close(): Promise<void>;
}

function onPath(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, bin);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Why a real WordPress cannot run here, or undefined when it can. */
export function realWordPressMissing(): string | undefined {
  if (!onPath('php')) return 'php is not installed';
  if (!existsSync(path.join(WORDPRESS_DIR, 'wp-settings.php')))
    return `${WORDPRESS_DIR} is missing (Debian package wordpress)`;
  if (!existsSync(SITE_CONFIG)) return `${SITE_CONFIG} is missing`;
  return undefined;
}

/**
 * True when a real WordPress can run. False lets a test skip, but only on a machine without
 * it: with PLEXUS_REQUIRE_WORDPRESS=1 (CI) a missing WordPress is an error, never a skip.
 */
export function requireRealWordPress(): boolean {
  const missing = realWordPressMissing();
  if (!missing) return true;
  if (process.env.PLEXUS_REQUIRE_WORDPRESS === '1') {
    throw new Error(`PLEXUS_REQUIRE_WORDPRESS=1 but ${missing}: run scripts/setup-wordpress.sh as root`);
  }
  return false;
}

/** For `test(…, { skip })`: false when a real WordPress can run, else why not (throws in CI, see above). */
export function realWordPressSkip(): string | false {
  return requireRealWordPress()
    ? false
    : `no real WordPress here: ${realWordPressMissing()} (scripts/setup-wordpress.sh sets it up)`;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Uploads folders of sites whose run was killed before close (their names carry the creation time). */
async function removeStaleUploads(): Promise<void> {
  const entries = await readdir(UPLOADS_DIR).catch(() => [] as string[]);
  const cutoff = Date.now() / 1000 - STALE_AFTER_S;
  for (const name of entries) {
    const m = /^plexus_wp_(\d+)_[a-z0-9]+$/.exec(name);
    if (m && Number(m[1]) < cutoff) await rm(path.join(UPLOADS_DIR, name), { recursive: true, force: true });
  }
}

function phpEnv(dbName: string, baseUrl: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    WORDPRESS_DB_NAME: dbName,
    WORDPRESS_SITE_URL: baseUrl,
    ...(process.env.WORDPRESS_DB_HOST ? { WORDPRESS_DB_HOST: process.env.WORDPRESS_DB_HOST } : {}),
  };
}

/** Stops the server's whole process group: `php -S` workers outlive their parent otherwise. */
function stopGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function startServer(port: number, env: NodeJS.ProcessEnv): { child: ChildProcess; log: () => string } {
  const child = spawn(
    'php',
    // Warnings go to the log rather than into JSON bodies, as on a production host.
    [
      '-d',
      'display_errors=stderr',
      '-S',
      `127.0.0.1:${port}`,
      '-t',
      WORDPRESS_DIR,
      path.join(PHP_SCRIPTS, 'router.php'),
    ],
    // Two workers, so a request that calls back into the site cannot deadlock it.
    { env: { ...env, PHP_CLI_SERVER_WORKERS: '2' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let lines: string[] = [];
  const collect = (d: Buffer) => {
    lines.push(...d.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 400) lines = lines.slice(-200);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, log: () => lines.slice(-60).join('\n') };
}

/**
 * Installs and serves a fresh WordPress; null when WordPress is not installed here (and not
 * required, see requireRealWordPress). The caller must close() it.
 */
export async function startRealWordPress(): Promise<RealWordPress | null> {
  if (!requireRealWordPress()) return null;
  await removeStaleUploads();
  const dbName = `plexus_wp_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  const username = 'plexus-admin';
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = phpEnv(dbName, baseUrl);

  const dropSite = async () => {
    await run('php', [path.join(PHP_SCRIPTS, 'drop.php')], { env }).catch(() => undefined);
    await rm(path.join(UPLOADS_DIR, dbName), { recursive: true, force: true });
  };

  let installed: {
    userId: number;
    appPassword: string;
    editor: { username: string; userId: number; appPassword: string };
  };
  try {
    const { stdout } = await run(
      'php',
      [path.join(PHP_SCRIPTS, 'install.php'), username, 'plexus-admin@example.test', randomBytes(12).toString('hex')],
      { env },
    );
    installed = JSON.parse(stdout.trim().split('\n').pop() ?? '');
  } catch (err) {
    await dropSite();
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(
      `installing WordPress into ${dbName} failed (is MariaDB running? scripts/setup-wordpress.sh starts it): ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`,
      { cause: err },
    );
  }

  const server = startServer(port, env);
  // A test process that ends without close() must not leave the server behind.
  const onExit = () => stopGroup(server.child, 'SIGKILL');
  process.once('exit', onExit);

  const restBase = `${baseUrl}/index.php?rest_route=`;
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const authorization = basic(username, installed.appPassword);
  const restUrl = (route: string) => restBase + route.replace('?', '&');
  let closed: Promise<void> | undefined;
  const site: RealWordPress = {
    baseUrl,
    restBase,
    username,
    appPassword: installed.appPassword,
    userId: installed.userId,
    dbName,
    authorization,
    editor: { ...installed.editor, authorization: basic(installed.editor.username, installed.editor.appPassword) },
    restUrl,
    rest: (route, init = {}) => {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', authorization);
      return fetch(restUrl(route), { ...init, headers });
    },
    serverLog: server.log,
    close() {
      closed ??= (async () => {
        process.removeListener('exit', onExit);
        const { child } = server;
        if (child.exitCode === null && child.signalCode === null) {
          const gone = new Promise((resolve) => child.once('exit', resolve));
          stopGroup(child, 'SIGTERM');
          const timer = setTimeout(() => stopGroup(child, 'SIGKILL'), 5_000);
          await gone;
          clearTimeout(timer);
        }
        await dropSite();
      })();
      return closed;
    },
  };

  try {
    const state = await waitFor(
      async () => {
        // A server that could not start (port taken since freePort) ends the wait at once.
        if (server.child.exitCode !== null || server.child.signalCode !== null) return 'exited';
        const res = await fetch(restUrl('/'));
        await res.body?.cancel();
        return res.status === 200 && 'ready';
      },
      `WordPress at ${baseUrl}`,
      20_000,
      100,
    );
    if (state === 'exited') throw new Error(`php -S exited with ${server.child.exitCode ?? server.child.signalCode}`);
  } catch (err) {
    const log = server.log();
    await site.close();
    throw new Error(`${(err as Error).message}\n${log}`, { cause: err });
  }
  return site;
}
