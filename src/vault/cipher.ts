import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { plexusError } from '../core/errors.ts';
import { requireKey, type Keyring } from './keyring.ts';

/**
 * Envelope encryption with AES-256-GCM: each secret gets its own random data key; the data
 * key is wrapped by a master key whose id is stored beside it. Both layers carry additional
 * authenticated data naming the org, table, row and column, so a ciphertext copied into
 * another row, or another org's row, fails to open.
 */
export interface SealedSecret {
  v: 1;
  /** master key id */
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

function wrapKey(keyring: Keyring, dataKey: Buffer, ctx: SealContext): { kid: string; wk: string } {
  const kid = keyring.primaryId();
  const w = gcmSeal(requireKey(keyring, kid), dataKey, aad(ctx, 'wrap', kid));
  return { kid, wk: Buffer.concat([w.iv, w.ct, w.tag]).toString('base64') };
}

function unwrapKey(keyring: Keyring, sealed: SealedSecret, ctx: SealContext): Buffer {
  const raw = Buffer.from(sealed.wk, 'base64');
  if (raw.length !== IV_BYTES + 32 + 16) throw plexusError('vault_open_failed');
  return gcmOpen(
    requireKey(keyring, sealed.kid),
    raw.subarray(0, IV_BYTES),
    raw.subarray(IV_BYTES, IV_BYTES + 32),
    raw.subarray(IV_BYTES + 32),
    aad(ctx, 'wrap', sealed.kid),
  );
}

export function seal(keyring: Keyring, plaintext: string, ctx: SealContext): SealedSecret {
  const dataKey = randomBytes(32);
  try {
    const body = gcmSeal(dataKey, Buffer.from(plaintext, 'utf8'), aad(ctx, 'data'));
    return {
      v: 1,
      ...wrapKey(keyring, dataKey, ctx),
      iv: body.iv.toString('base64'),
      ct: body.ct.toString('base64'),
      tag: body.tag.toString('base64'),
    };
  } finally {
    dataKey.fill(0);
  }
}

export function open(keyring: Keyring, sealed: SealedSecret, ctx: SealContext): string {
  if (sealed?.v !== 1) throw plexusError('vault_open_failed', { message: 'Unknown sealed-secret format.' });
  const dataKey = unwrapKey(keyring, sealed, ctx);
  try {
    const iv = Buffer.from(sealed.iv, 'base64');
    const tag = Buffer.from(sealed.tag, 'base64');
    if (iv.length !== IV_BYTES || tag.length !== 16) throw plexusError('vault_open_failed');
    return gcmOpen(dataKey, iv, Buffer.from(sealed.ct, 'base64'), tag, aad(ctx, 'data')).toString('utf8');
  } finally {
    dataKey.fill(0);
  }
}

/** The same secret with its data key wrapped under the current primary; the body is untouched. */
export function rewrap(keyring: Keyring, sealed: SealedSecret, ctx: SealContext): SealedSecret {
  const dataKey = unwrapKey(keyring, sealed, ctx);
  try {
    return { ...sealed, ...wrapKey(keyring, dataKey, ctx) };
  } finally {
    dataKey.fill(0);
  }
}
