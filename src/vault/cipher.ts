import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { plexusError } from '../core/errors.ts';
import { requireKey, type Keyring, type OrgKey } from './keyring.ts';

/** `kid` of secrets whose data key is wrapped by their org's key rather than a master key. */
export const ORG_KEY_PREFIX = 'org:';

/**
 * Envelope encryption with AES-256-GCM: each secret gets its own random data key; the data
 * key is wrapped by a master key whose id is stored beside it. Both layers carry additional
 * authenticated data naming the org, table, row and column, so a ciphertext copied into
 * another row, or another org's row, fails to open.
 */
export interface SealedSecret {
  v: 1;
  /** the wrapping key: a master key id, or `org:<id>` for the org's key (crypto-shredding) */
  kid: string;
  /** wrapped data key: iv(12) | ciphertext(32) | tag(16), base64 */
  wk: string;
  iv: string;
  ct: string;
  tag: string;
}

/** Where a secret lives; part of the authenticated data. */
export interface SealContext {
  orgId: string;
  table: string;
  rowId: string;
  column: string;
}

const IV_BYTES = 12;

function aad(ctx: SealContext, layer: 'data' | 'wrap', kid?: string): Buffer {
  return Buffer.from(['plexus-vault-v1', layer, ctx.table, ctx.column, ctx.orgId, ctx.rowId, kid ?? ''].join('\u0000'));
}

function gcmSeal(key: Buffer, plaintext: Buffer, ad: Buffer) {
  const iv = randomBytes(IV_BYTES);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(ad);
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return { iv, ct, tag: c.getAuthTag() };
}

function gcmOpen(key: Buffer, iv: Buffer, ct: Buffer, tag: Buffer, ad: Buffer): Buffer {
  try {
    const d = createDecipheriv('aes-256-gcm', key, iv);
    d.setAAD(ad);
    d.setAuthTag(tag);
    return Buffer.concat([d.update(ct), d.final()]);
  } catch {
    // GCM says only "does not authenticate": tampered, wrong key or wrong row look alike.
    throw plexusError('vault_open_failed');
  }
}

/**
 * The key that wraps data keys for this org: its org key when the keyring has an org-key store
 * (so erasing the org shreds every secret), else the primary master key.
 */
async function wrappingKey(keyring: Keyring, orgId: string): Promise<{ kid: string; key: Buffer }> {
  if (keyring.orgKeys) {
    const ok = await keyring.orgKeys.get(orgId, true);
    if (ok) return { kid: ORG_KEY_PREFIX + ok.id, key: ok.key };
  }
  const kid = keyring.primaryId();
  return { kid, key: requireKey(keyring, kid) };
}

async function keyFor(keyring: Keyring, kid: string, orgId: string): Promise<Buffer> {
  if (!kid.startsWith(ORG_KEY_PREFIX)) return requireKey(keyring, kid);
  const ok: OrgKey | undefined = await keyring.orgKeys?.get(orgId, false);
  // A destroyed (erased) org key and a foreign one look alike: nothing opens.
  if (!ok || ORG_KEY_PREFIX + ok.id !== kid)
    throw plexusError('vault_open_failed', { message: "The organisation's key does not exist (erased?)." });
  return ok.key;
}

function wrapWith(
  wrapping: { kid: string; key: Buffer },
  dataKey: Buffer,
  ctx: SealContext,
): { kid: string; wk: string } {
  const w = gcmSeal(wrapping.key, dataKey, aad(ctx, 'wrap', wrapping.kid));
  return { kid: wrapping.kid, wk: Buffer.concat([w.iv, w.ct, w.tag]).toString('base64') };
}

async function unwrapKey(keyring: Keyring, sealed: SealedSecret, ctx: SealContext): Promise<Buffer> {
  const raw = Buffer.from(sealed.wk, 'base64');
  if (raw.length !== IV_BYTES + 32 + 16) throw plexusError('vault_open_failed');
  return gcmOpen(
    await keyFor(keyring, sealed.kid, ctx.orgId),
    raw.subarray(0, IV_BYTES),
    raw.subarray(IV_BYTES, IV_BYTES + 32),
    raw.subarray(IV_BYTES + 32),
    aad(ctx, 'wrap', sealed.kid),
  );
}

export async function seal(keyring: Keyring, plaintext: string, ctx: SealContext): Promise<SealedSecret> {
  const wrapping = await wrappingKey(keyring, ctx.orgId);
  const dataKey = randomBytes(32);
  try {
    const body = gcmSeal(dataKey, Buffer.from(plaintext, 'utf8'), aad(ctx, 'data'));
    return {
      v: 1,
      ...wrapWith(wrapping, dataKey, ctx),
      iv: body.iv.toString('base64'),
      ct: body.ct.toString('base64'),
      tag: body.tag.toString('base64'),
    };
  } finally {
    dataKey.fill(0);
  }
}

export async function open(keyring: Keyring, sealed: SealedSecret, ctx: SealContext): Promise<string> {
  if (sealed?.v !== 1) throw plexusError('vault_open_failed', { message: 'Unknown sealed-secret format.' });
  const dataKey = await unwrapKey(keyring, sealed, ctx);
  try {
    const iv = Buffer.from(sealed.iv, 'base64');
    const tag = Buffer.from(sealed.tag, 'base64');
    if (iv.length !== IV_BYTES || tag.length !== 16) throw plexusError('vault_open_failed');
    return gcmOpen(dataKey, iv, Buffer.from(sealed.ct, 'base64'), tag, aad(ctx, 'data')).toString('utf8');
  } finally {
    dataKey.fill(0);
  }
}

/**
 * The same secret with its data key wrapped under the org's key (or the primary master key
 * without an org-key store); the body is untouched.
 */
export async function rewrap(keyring: Keyring, sealed: SealedSecret, ctx: SealContext): Promise<SealedSecret> {
  const dataKey = await unwrapKey(keyring, sealed, ctx);
  try {
    return { ...sealed, ...wrapWith(await wrappingKey(keyring, ctx.orgId), dataKey, ctx) };
  } finally {
    dataKey.fill(0);
  }
}
