/**
 * Bundles the browser apps (`web/<app>/main.tsx`) into `dist/web/<app>/main-<hash>.js|css`
 * with source maps, and writes `dist/web/manifest.json` naming each app's files. The server
 * calls `ensureWebBuilt()` at start (a build takes a fraction of a second, and only happens
 * when the sources changed); `npm run build:web` runs it by hand.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// src/assets or, compiled, dist/assets: the package root is two folders up either way.
const ROOT = path.resolve(import.meta.dirname, '../..');
export const WEB_SRC = path.join(ROOT, 'web');
export const WEB_OUT = path.join(ROOT, 'dist', 'web');
const MANIFEST = 'manifest.json';

/** The browser apps: a folder under web/ with a main.tsx. */
const APPS = ['portal', 'console'] as const;
export type WebApp = (typeof APPS)[number];

export interface WebManifest {
  /** Fingerprint of the sources the bundle was built from. */
  sources: string;
  apps: Partial<Record<WebApp, { js: string; css?: string }>>;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

/** Paths, sizes and modification times of every source file: cheap to take, changes on any edit. */
export async function sourceFingerprint(): Promise<string> {
  const h = createHash('sha256');
  for (const f of (await filesUnder(WEB_SRC)).sort()) {
    const s = await stat(f);
    h.update(`${path.relative(WEB_SRC, f)}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return h.digest('base64url');
}

export async function readManifest(outDir = WEB_OUT): Promise<WebManifest | undefined> {
  try {
    return JSON.parse(await readFile(path.join(outDir, MANIFEST), 'utf8')) as WebManifest;
  } catch {
    return undefined;
  }
}

/**
 * Builds every app now (minified, hashed names, linked source maps). Files are named by their
 * content and the manifest is replaced by a rename, so processes building at once (tests, API
 * processes side by side) never serve a half-written bundle.
 */
export async function buildWeb(outDir = WEB_OUT): Promise<WebManifest> {
  const esbuild = await import('esbuild');
  const sources = await sourceFingerprint();
  const entryPoints = APPS.map((a) => path.join(WEB_SRC, a, 'main.tsx')).filter((p) => existsSync(p));
  await mkdir(outDir, { recursive: true });
  const result = await esbuild.build({
    entryPoints,
    outbase: WEB_SRC,
    outdir: outDir,
    entryNames: '[dir]/[name]-[hash]',
    assetNames: '[dir]/[name]-[hash]',
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    format: 'esm',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    metafile: true,
    absWorkingDir: ROOT,
    logLevel: 'silent',
    legalComments: 'linked',
  });
  const apps: WebManifest['apps'] = {};
  for (const [file, out] of Object.entries(result.metafile.outputs)) {
    if (!out.entryPoint) continue;
    const app = path.relative(WEB_SRC, path.resolve(ROOT, out.entryPoint)).split(path.sep)[0] as WebApp;
    const rel = (f: string) => path.relative(outDir, path.resolve(ROOT, f)).split(path.sep).join('/');
    apps[app] = { js: rel(file), ...(out.cssBundle ? { css: rel(out.cssBundle) } : {}) };
  }
  const manifest: WebManifest = { sources, apps };
  const tmp = path.join(outDir, `${MANIFEST}.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify(manifest, null, 2));
  await rename(tmp, path.join(outDir, MANIFEST));
  return manifest;
}

/** The current bundle: built now when missing or older than the sources. */
export async function ensureWebBuilt(outDir = WEB_OUT): Promise<WebManifest> {
  const have = await readManifest(outDir);
  if (have && have.sources === (await sourceFingerprint())) return have;
  return buildWeb(outDir);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t0 = Date.now();
  const m = await buildWeb();
  process.stdout.write(
    `build-web: ${Object.entries(m.apps)
      .map(([a, f]) => `${a} → dist/web/${f.js}`)
      .join(', ')} in ${Date.now() - t0} ms\n`,
  );
}
