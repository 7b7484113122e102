import { loadSandbox, sandboxProviders } from '../providers/registry.ts';

/** `plexus sandbox <provider|all>`: platform simulators on loopback, until Ctrl-C. */
export async function sandboxCommand(which: string): Promise<void> {
  const ids = which === 'all' ? sandboxProviders() : [which];
  const running: { close(): Promise<void> }[] = [];
  for (const id of ids) {
    const sandbox = await loadSandbox(id);
    const r = await sandbox.start({});
    running.push(r);
    process.stdout.write(`${id} sandbox: ${r.url}\n`);
  }
  const stop = async () => {
    await Promise.all(running.map((r) => r.close()));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
