#!/usr/bin/env node
// The `plexus` command: runs the compiled CLI from dist/, compiling src/ first when dist/ is
// missing or older than the sources.
import { ensureBuild } from '../scripts/ensure-build.mjs';

try {
  ensureBuild();
} catch (err) {
  process.stderr.write(`plexus: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
await import('../dist/main.js');
