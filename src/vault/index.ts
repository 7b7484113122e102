import type { Config } from '../config/schema.ts';
import { FileKeyring, keyringFromEnv, type Keyring } from './keyring.ts';

export type { Keyring } from './keyring.ts';

/** The master keyring: from PLEXUS_MASTER_KEY, or in demo mode a key file in the data folder. */
export async function openKeyring(config: Config): Promise<Keyring> {
  return config.masterKey ? keyringFromEnv(config.masterKey) : FileKeyring.open(config.dataDir);
}
