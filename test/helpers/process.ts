import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Starts a TypeScript file in a new Node process (through tsx), collecting its output. */
export function spawnTs(
  file: string,
  env: Record<string, string>,
  args: string[] = [],
): ChildProcess & { output: () => string } {
  return spawnNode(['--import', 'tsx', path.resolve(ROOT, file), ...args], env);
}

/** Starts a JavaScript file (the compiled dist/) in a new Node process, collecting its output. */
export function spawnJs(
  file: string,
  env: Record<string, string>,
  args: string[] = [],
): ChildProcess & { output: () => string } {
  return spawnNode([path.resolve(ROOT, file), ...args], env);
}

function spawnNode(nodeArgs: string[], env: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, nodeArgs, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return Object.assign(child, { output: () => out });
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
