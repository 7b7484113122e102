import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { exited, spawnTs } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * `npm start` as a new user runs it: embedded PostgreSQL in a data folder, no configuration.
 * Covers first start (demo key), Ctrl-C, a restart that keeps the data, a taken database
 * port, and recovery after the process was killed with SIGKILL.
 */
test(
  'plexus start: embedded PostgreSQL, demo key, clean stop, data kept across restarts',
  { timeout: 180_000 },
  async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'plexus-start-'));
    const pgPort = 40000 + Math.floor(Math.random() * 10000);
    const env = {
      PLEXUS_DATA_DIR: dataDir,
      PORT: '0',
      PLEXUS_PG_PORT: String(pgPort),
      DATABASE_URL: '',
      PLEXUS_MASTER_KEY: '',
      LOG_LEVEL: 'info',
    };
    const start = async () => {
      const proc = spawnTs('src/main.ts', env, ['start']);
      const url = await waitFor(
        async () => /Plexus is running at (\S+)/.exec(proc.output())?.[1],
        'Plexus to start',
        60_000,
      );
      return { proc, url };
    };
    const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
    try {
      // First start: prints a demo key that works.
      const first = await start();
      const key = /Demo organisation API key[^\n]*\n\s+(plx_\S+)/.exec(first.proc.output())?.[1];
      assert.ok(key, first.proc.output());
      const health = await waitFor(async () => {
        const r = await fetch(`${first.url}/healthz`);
        return r.status === 200 ? r.json() : undefined;
      }, 'healthz 200');
      assert.equal((health as { status: string }).status, 'ok');
      const created = await fetch(`${first.url}/v1/api-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'kept' }),
      });
      assert.equal(created.status, 201);
      assert.ok(existsSync(pidFile));

      // Ctrl-C stops the API, the worker and the embedded server.
      first.proc.kill('SIGINT');
      assert.equal(await exited(first.proc), 0, first.proc.output());
      assert.ok(!existsSync(pidFile), 'embedded PostgreSQL stopped');

      // Second start with the preferred database port taken: another port, same data, no new demo key.
      const blocker = net.createServer();
      await new Promise<void>((r) => blocker.listen(pgPort, '127.0.0.1', () => r()));
      try {
        const second = await start();
        assert.ok(!second.proc.output().includes('Demo organisation API key'), 'no second demo org');
        const keys = await fetch(`${second.url}/v1/api-keys`, { headers: { authorization: `Bearer ${key}` } });
        assert.equal(keys.status, 200);
        assert.ok(((await keys.json()) as { data: { name: string }[] }).data.some((k) => k.name === 'kept'));
        // Killed without a chance to clean up: the next start stops the orphaned server and carries on.
        second.proc.kill('SIGKILL');
        await exited(second.proc);
      } finally {
        blocker.close();
      }
      const third = await start();
      const again = await fetch(`${third.url}/v1/org`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(again.status, 200);
      third.proc.kill('SIGTERM');
      assert.equal(await exited(third.proc), 0, third.proc.output());
      assert.ok(!existsSync(pidFile));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  },
);
