import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { plexusError } from '../core/errors.ts';

/** An org's key-encryption key, in the clear (process memory only). */
export interface OrgKey {
  id: string;
  key: Buffer;
}

/** Where org keys live; destroying one makes every secret of that org unopenable. */
export interface OrgKeyStore {
  /** The org's key; with `create`, made on first use. Undefined when there is none. */
  get(orgId: string, create: boolean): Promise<OrgKey | undefined>;
  destroy(orgId: string): Promise<void>;
}

/**
 * Master keys by id. The primary seals new secrets; the others only open old ones until
 * `plexus keys rotate` has re-wrapped everything under the primary.
 */
export interface Keyring {
  primaryId(): string;
  get(kid: string): Buffer | undefined;
  /** Per-org keys that wrap data keys (see org-keys.ts); without it, master keys wrap them. */
  readonly orgKeys?: OrgKeyStore;
}

const KEY_BYTES = 32;

export function keyIdOf(key: Buffer): string {
  return `mk_${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

function decodeKey(text: string): Buffer {
  const t = text.trim();
  const buf = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (buf.length !== KEY_BYTES) {
    throw new Error(
      `PLEXUS_MASTER_KEY: each key must be 32 bytes (64 hex characters or base64), got ${buf.length} bytes`,
    );
  }
  return buf;
}

class StaticKeyring implements Keyring {
  constructor(
    protected keys: Map<string, Buffer>,
    protected primary: string,
  ) {}
  primaryId() {
    return this.primary;
  }
  get(kid: string) {
    return this.keys.get(kid);
  }
}

/**
 * `PLEXUS_MASTER_KEY` holds one key, or a comma-separated list whose first entry is the
 * primary (`kid:key` pairs or bare keys, whose id is derived from the key).
 */
export function keyringFromEnv(value: string): Keyring {
  const keys = new Map<string, Buffer>();
  let primary: string | undefined;
  for (const part of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const idx = part.indexOf(':');
    const key = decodeKey(idx > 0 ? part.slice(idx + 1) : part);
    const kid = idx > 0 ? part.slice(0, idx) : keyIdOf(key);
    keys.set(kid, key);
    primary ??= kid;
  }
  if (!primary) throw new Error('PLEXUS_MASTER_KEY is empty');
  return new StaticKeyring(keys, primary);
}

interface KeyringFile {
  primary: string;
  keys: Record<string, string>;
}

/**
 * The demo keyring, kept in the data folder with mode 0600. It re-reads the file when it
 * changes, so a running service picks up a key added by `plexus keys rotate`.
 */
export class FileKeyring extends StaticKeyring {
  private stamp = '';
  private checkedAt = 0;

  private constructor(private readonly file: string) {
    super(new Map(), '');
    this.load();
  }

  static async open(dataDir: string): Promise<FileKeyring> {
    const file = path.join(dataDir, 'master-keys.json');
    if (!existsSync(file)) {
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      const key = randomBytes(KEY_BYTES);
      const kid = keyIdOf(key);
      await writeAtomic(file, { primary: kid, keys: { [kid]: key.toString('base64') } });
    }
    return new FileKeyring(file);
  }

  private load() {
    const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as KeyringFile;
    this.keys = new Map(Object.entries(parsed.keys).map(([k, v]) => [k, decodeKey(v)]));
    this.primary = parsed.primary;
    this.stamp = fileStamp(this.file);
  }

  /**
   * Re-reads the file when it changed. File times are coarse (two writes in the same tick share
   * an mtime), so the inode is compared too: every write renames a new file into place. A key id
   * we do not know forces a reload regardless.
   */
  private refresh(force: boolean) {
    const now = Date.now();
    if (!force && now - this.checkedAt < 2000) return;
    this.checkedAt = now;
    if (force || fileStamp(this.file) !== this.stamp) this.load();
  }

  override primaryId() {
    this.refresh(false);
    return this.primary;
  }

  override get(kid: string) {
    const k = this.keys.get(kid);
    if (k) return k;
    this.refresh(true);
    return this.keys.get(kid);
  }

  /** Adds a new primary key; old keys stay so existing secrets still open. */
  async addPrimary(): Promise<string> {
    this.refresh(true);
    const key = randomBytes(KEY_BYTES);
    const kid = keyIdOf(key);
    const keys: Record<string, string> = {};
    for (const [k, v] of this.keys) keys[k] = v.toString('base64');
    keys[kid] = key.toString('base64');
    await writeAtomic(this.file, { primary: kid, keys });
    this.load();
    return kid;
  }
}

function fileStamp(file: string): string {
  const st = statSync(file);
  return `${st.ino}:${st.size}:${st.mtimeMs}`;
}

async function writeAtomic(file: string, content: KeyringFile): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(content, null, 2), { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}

export function requireKey(keyring: Keyring, kid: string): Buffer {
  const key = keyring.get(kid);
  if (!key) throw plexusError('vault_unknown_key', { details: { key_id: kid } });
  return key;
}
