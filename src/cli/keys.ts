import { FileKeyring } from '../vault/keyring.ts';
import { rotateKeys } from '../vault/rotate.ts';
import { openRuntime } from './runtime.ts';

/**
 * `plexus keys rotate`: in demo mode adds a new primary key to the key file first; with
 * PLEXUS_MASTER_KEY, the first key listed is the primary. Then every data key is re-wrapped
 * under it while the service keeps running.
 */
export async function rotateCommand(): Promise<void> {
  const { log, db, keyring, masterKeyring } = await openRuntime('plexus-keys');
  try {
    if (masterKeyring instanceof FileKeyring) {
      const kid = await masterKeyring.addPrimary();
      log.info({ key_id: kid }, 'new primary master key added to the key file');
    }
    const result = await rotateKeys(db.owner, keyring);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    if (result.remaining > 0) process.exitCode = 2;
  } finally {
    await db.close();
  }
}
