import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { exited, spawnTs } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * `plexus orgs create` and `plexus keys rotate` beside a running `npm start` use its embedded
 * PostgreSQL; they never stop it as a leftover. Once the starting process is gone (SIGKILL),
 * its server is a leftover, and the next command stops it and starts its own.
 */
test('CLI commands beside a running demo share its database and leave it running', { timeout: 240_000 }, async () => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'plexus-cli-demo-'));
  const pgPort = 40000 + Math.floor(Math.random() * 10000);
  const env = {
    PLEXUS_DATA_DIR: dataDir,
    PORT: '0',
    PLEXUS_PG_PORT: String(pgPort),
    DATABASE_URL: '',
    PLEXUS_MASTER_KEY: '',
    LOG_LEVEL: 'info',
    PLEXUS_DEMO: '0',
  };
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  const postmaster = () => Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const demo = spawnTs('src/main.ts', env, ['start']);
  try {
    const url = await waitFor(
      async () => /Plexus is running at (\S+)/.exec(demo.output())?.[1],
      'Plexus to start',
      90_000,
    );
    const pgPid = postmaster();
    const cli = async (...args: string[]) => {
      const p = spawnTs('src/main.ts', env, args);
      const code = await exited(p);
      assert.equal(code, 0, p.output());
      return p.output();
    };
    const created = JSON.parse((await cli('orgs', 'create', 'Beside the demo')).trim().split('\n').pop()!) as {
      api_key: string;
    };
    const rotated = await cli('keys', 'rotate');
    assert.match(rotated, /"remaining":0/);
    // The demo's server is the same process, and the demo still answers with the CLI's new key.
    assert.equal(postmaster(), pgPid, 'the running server was not stopped');
    const org = await fetch(`${url}/v1/org`, { headers: { authorization: `Bearer ${created.api_key}` } });
    const body = await org.text();
    assert.equal(org.status, 200, body);
    assert.equal((JSON.parse(body) as { name: string }).name, 'Beside the demo');
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);

    // The starter killed outright: its server is a leftover now, stopped by the next command.
    demo.kill('SIGKILL');
    await exited(demo);
    assert.ok(existsSync(pidFile));
    await cli('orgs', 'create', 'After the demo');
    assert.ok(!existsSync(pidFile) || postmaster() !== pgPid, 'the leftover server was stopped');
  } finally {
    if (demo.exitCode === null && demo.signalCode === null) {
      demo.kill('SIGKILL');
      await exited(demo);
    }
    await rm(dataDir, { recursive: true, force: true });
  }
});
