import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { exited, ROOT, spawnJs } from '../helpers/process.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The compiled build as production runs it: plain Node on dist/, no tsx. The other tests run
 * from source; this one proves the emitted import specifiers resolve, the SQL migrations and
 * the API reference are found from dist/, and start and stop are clean.
 */
function ensureBuilt(): void {
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts/ensure-build.mjs')], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, build.stderr);
  assert.ok(existsSync(path.join(ROOT, 'dist/main.js')), 'dist/main.js built');
}

test(
  'node dist/main.js start: migrations applied from dist/, /healthz 200, /docs served, clean stop',
  { timeout: 300_000 },
  async () => {
    ensureBuilt();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'plexus-compiled-'));
    const pgPort = 40000 + Math.floor(Math.random() * 10000);
    const env = {
      PLEXUS_DATA_DIR: dataDir,
      PORT: '0',
      PLEXUS_PG_PORT: String(pgPort),
      DATABASE_URL: '',
      PLEXUS_MASTER_KEY: '',
      LOG_LEVEL: 'info',
    };
    const proc = spawnJs('dist/main.js', env, ['start']);
    try {
      const url = await waitFor(
        async () => /Plexus is running at (\S+)/.exec(proc.output())?.[1],
        'Plexus to start',
        90_000,
      );
      const health = (await waitFor(async () => {
        const r = await fetch(`${url}/healthz`);
        return r.status === 200 ? r.json() : undefined;
      }, 'healthz 200')) as {
        status: string;
        checks: { migrations: { ok: boolean; applied: number; expected: number } };
      };
      assert.equal(health.status, 'ok');
      assert.ok(
        health.checks.migrations.ok && health.checks.migrations.applied > 0,
        JSON.stringify(health.checks.migrations),
      );
      const docs = await fetch(`${url}/docs`, { redirect: 'follow' });
      assert.equal(docs.status, 200);
      assert.match(docs.headers.get('content-type') ?? '', /text\/html/);

      proc.kill('SIGINT');
      assert.equal(await exited(proc), 0, proc.output());
      assert.ok(!existsSync(path.join(dataDir, 'pg', 'postmaster.pid')), 'embedded PostgreSQL stopped');
    } finally {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  },
);

test(
  'bin/plexus.js runs the compiled CLI: an unknown command prints the usage and exits 64',
  { timeout: 300_000 },
  async () => {
    ensureBuilt();
    const proc = spawnJs('bin/plexus.js', {}, ['no-such-command']);
    assert.equal(await exited(proc), 64);
    assert.match(proc.output(), /^plexus <command>/);
  },
);
