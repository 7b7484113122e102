/**
 * Compiles src/ to dist/ when dist/ is missing or older than its sources, so `npm start` and
 * `bin/plexus.js` always run current code while an unchanged tree starts without a compile:
 * the check is a stat walk over src/ (milliseconds). `npm ci` builds once through `prepare`;
 * `--force` (`npm run build`) compiles regardless.
 *
 * Plain JavaScript, so it runs where TypeScript and tsx are not installed (`npm ci --omit=dev`
 * after a build): there an existing dist/ is used as it is.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
// Written only after a successful compile, with the time the compile started: a source saved
// during a compile is newer and triggers the next one.
const stamp = path.join(dist, '.built');
const configs = ['tsconfig.json', 'tsconfig.build.json'].map((f) => path.join(root, f));

function newestInput() {
  let newest = Math.max(...configs.map((f) => statSync(f).mtimeMs));
  for (const entry of readdirSync(path.join(root, 'src'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    newest = Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function builtAt() {
  return statSync(stamp, { throwIfNoEntry: false })?.mtimeMs;
}

function typescriptCompiler() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

/** Compiles when needed (or always with `force`); throws when dist/ cannot be had. */
export function ensureBuild({ force = false } = {}) {
  const built = builtAt();
  if (!force && built !== undefined && built >= newestInput()) return;
  const tsc = typescriptCompiler();
  if (!tsc) {
    if (built !== undefined) {
      process.stderr.write(
        'plexus: src/ is newer than dist/, but TypeScript is not installed; running the existing dist/\n',
      );
      return;
    }
    throw new Error(
      'dist/ is missing and TypeScript is not installed: run `npm ci` (with dev dependencies), or `npm run build` before `npm ci --omit=dev`',
    );
  }
  process.stderr.write('plexus: compiling src/ to dist/\n');
  const started = new Date();
  // A clean dist/, so a deleted source leaves no stale module behind.
  rmSync(dist, { recursive: true, force: true });
  // Emit only: `npm run typecheck` (and CI) check the types; a start should not wait twice as
  // long for it, nor refuse to run code with a type error (as running it through tsx did not).
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--noCheck'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`compiling src/ failed (tsc exited ${r.status ?? r.signal})`);
  writeFileSync(stamp, '');
  utimesSync(stamp, started, started);
}

if (import.meta.filename === path.resolve(process.argv[1] ?? '')) {
  try {
    ensureBuild({ force: process.argv.includes('--force') });
  } catch (err) {
    process.stderr.write(`plexus: ${err instanceof Error ? err.message : String(err)}\n`);
    // `npm ci --omit=dev` runs `prepare` too, without TypeScript: the install itself succeeded.
    process.exit(process.env.npm_lifecycle_event === 'prepare' && !typescriptCompiler() ? 0 : 1);
  }
}
