/**
 * `npm test`: one real PostgreSQL for the whole run (the embedded server, or DATABASE_URL
 * when set), a migrated template database, then node's test runner over every *.test.ts.
 * Each test file clones the template into a database of its own, so files run in parallel.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createLogger } from '../src/core/logger.ts';
import { appRolePassword, ensureAppRole } from '../src/db/app-role.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPool, withDatabase } from '../src/db/pool.ts';
import { TEMPLATE_DB } from './helpers/db.ts';

const root = path.resolve(import.meta.dirname, '..');

async function findTests(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') out.push(...(await findTests(p)));
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

async function prepareTemplate(adminUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // Leftover test databases from an interrupted run on an external server.
    const { rows } = await admin.query<{ datname: string }>(
      "select datname from pg_database where datname like 'plexus_t_%' or datname = $1",
      [TEMPLATE_DB],
    );
    for (const r of rows) {
      await admin.query(`alter database ${r.datname} is_template false`).catch(() => undefined);
      await admin.query(`drop database if exists ${r.datname} with (force)`);
    }
    await admin.query(`create database ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const templateUrl = withDatabase(adminUrl, TEMPLATE_DB);
  const owner = createPool(templateUrl, { max: 2 });
  try {
    await migrate(owner);
    await ensureAppRole(owner, templateUrl, appRolePassword(templateUrl, undefined));
  } finally {
    await owner.end();
  }
  const admin2 = new pg.Client({ connectionString: adminUrl });
  await admin2.connect();
  await admin2.query(`alter database ${TEMPLATE_DB} is_template true`);
  await admin2.end();
}

async function main(): Promise<number> {
  const log = createLogger({ level: 'warn', name: 'plexus-test' });
  const filters = process.argv.slice(2);
  let adminUrl = process.env.DATABASE_URL ? withDatabase(process.env.DATABASE_URL, 'postgres') : undefined;
  let stop: (() => Promise<void>) | undefined;
  let dataDir: string | undefined;
  if (!adminUrl) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'plexus-test-'));
    const emb = await startEmbeddedPostgres({ dataDir, preferredPort: 55432, log });
    adminUrl = withDatabase(emb.url, 'postgres');
    stop = () => emb.stop();
  }
  try {
    await prepareTemplate(adminUrl);
    let files = [...(await findTests(path.join(root, 'src'))), ...(await findTests(path.join(root, 'test')))].sort();
    if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
    // A filter that matches nothing is a typo, not a request for the whole suite.
    if (filters.length && files.length === 0) {
      console.error(`no test file matches ${filters.join(', ')}`);
      return 1;
    }
    const concurrency = Math.max(2, os.availableParallelism());
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
      {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, PLEXUS_TEST_ADMIN_URL: adminUrl, DATABASE_URL: '' },
      },
    );
    // A test file that leaves a handle open would keep the runner waiting forever: give up
    // well inside CI's budget and say so, rather than hang.
    const limitMs = Number(process.env.PLEXUS_TEST_DEADLINE_MS ?? 15 * 60_000);
    const watchdog = setTimeout(() => {
      console.error(`test run exceeded ${limitMs / 1000}s; stopping it`);
      child.kill('SIGKILL');
    }, limitMs);
    watchdog.unref();
    return await new Promise<number>((resolve) =>
      child.on('exit', (code, signal) => {
        clearTimeout(watchdog);
        resolve(code ?? (signal ? 1 : 0));
      }),
    );
  } finally {
    await stop?.();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
