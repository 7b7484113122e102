import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// The popup helper is the SDK's `openConnect`, served as a browser script so a host page
// needs no build step: <script src="https://plexus…/connect/plexus-connect.js"></script>.
const SOURCE = fileURLToPath(new URL('../../../../packages/sdk/src/connect.ts', import.meta.url));

let bundled: Promise<string> | undefined;

/** The script, bundled once per process on first request (a few milliseconds) and kept. */
export function connectScript(): Promise<string> {
  bundled ??= build({
    entryPoints: [SOURCE],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'PlexusConnect',
    target: 'es2019',
    minify: true,
    legalComments: 'none',
  })
    .then((r) => r.outputFiles[0]!.text)
    .catch((err: unknown) => {
      bundled = undefined;
      throw err;
    });
  return bundled;
}
