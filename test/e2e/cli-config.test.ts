import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { exited, spawnTs } from '../helpers/process.ts';

/**
 * A misconfigured `plexus start` stops before anything starts (no database, no listener), with
 * one message that names every bad variable and no stack trace.
 */
test(
  'plexus start with bad settings: one clear message naming them all, before the database starts',
  { timeout: 120_000 },
  async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'plexus-badcfg-'));
    try {
      const proc = spawnTs(
        'src/main.ts',
        {
          PLEXUS_DATA_DIR: dataDir,
          DATABASE_URL: '',
          PORT: '99999',
          PLEXUS_MASTER_KEY: 'definitely-not-32-bytes',
          PLEXUS_SYNC_INTERVAL_MINUTES: '6o',
          PLEXUS_DEMO: 'yes',
          PLEXUS_WIX_REQUESTS_PER_MINUTE: 'lots',
        },
        ['start'],
      );
      const code = await exited(proc);
      const out = proc.output();
      assert.equal(code, 1, out);
      for (const name of [
        'PORT',
        'PLEXUS_MASTER_KEY',
        'PLEXUS_SYNC_INTERVAL_MINUTES',
        'PLEXUS_DEMO',
        'PLEXUS_WIX_REQUESTS_PER_MINUTE',
      ])
        assert.match(out, new RegExp(`- ${name}:`), out);
      assert.doesNotMatch(out, /\n\s+at /, 'no stack trace');
      assert.ok(!out.includes('definitely-not-32-bytes'), 'the key is not echoed');
      assert.ok(
        !existsSync(path.join(dataDir, 'pg')),
        `the database was not started: ${(await readdir(dataDir)).join(',')}`,
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  },
);
