/**
 * Images the shop holds for articles: an `image.attachment` (base64) is stored under the shop's
 * CDN path and served from it; an `image.src` naming one of the shop's own files keeps that
 * file (Shopify re-hosts a URL it is given; the sandbox never fetches other hosts, so a foreign
 * URL is kept as given, without a size).
 */
import type { Router } from '../../../sandbox/kit/server.ts';
import { IMAGE_TYPES, pngSize } from '../../../sandbox/kit/uploads.ts';

export interface ShopFile {
  path: string;
  bytes: Buffer;
  contentType: string;
  width: number | null;
  height: number | null;
}

const CDN_PREFIX = '/s/files/1/0548/3800/0009/articles/';

export class ShopFiles {
  readonly #files = new Map<string, ShopFile>();

  /** Stores bytes under a file name, made unique when another file already has it. */
  store(filename: string, bytes: Buffer): ShopFile {
    const clean = filename.replace(/[^A-Za-z0-9._-]+/g, '_') || 'image';
    const dot = clean.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [clean.slice(0, dot), clean.slice(dot + 1)] : [clean, ''];
    let path = `${CDN_PREFIX}${clean}`;
    for (let n = 1; this.#files.has(path) && !this.#files.get(path)!.bytes.equals(bytes); n++)
      path = `${CDN_PREFIX}${stem}_${n}${ext ? `.${ext}` : ''}`;
    const file: ShopFile = {
      path,
      bytes,
      contentType: IMAGE_TYPES[ext.toLowerCase()] ?? 'application/octet-stream',
      ...(pngSize(bytes) ?? { width: null, height: null }),
    };
    this.#files.set(path, file);
    return file;
  }

  /** The shop's own file behind a URL (any origin, any `?v=`), if it is one. */
  byUrl(url: string): ShopFile | undefined {
    try {
      return this.#files.get(new URL(url).pathname);
    } catch {
      return undefined;
    }
  }

  clear(): void {
    this.#files.clear();
  }

  routes(r: Router): void {
    r.add('GET', `${CDN_PREFIX}:name`, (req) => {
      const f = this.#files.get(`${CDN_PREFIX}${req.params['name'] ?? ''}`);
      return f
        ? {
            status: 200,
            headers: { 'content-type': f.contentType, 'cache-control': 'public, max-age=31536000' },
            body: f.bytes,
          }
        : { status: 404, body: 'Not Found' };
    });
  }
}

export type ImageInput = { attachment?: unknown; src?: unknown; filename?: unknown; alt?: unknown };

/**
 * The article `image` object Shopify keeps for an input, or a 422 reason. `null` (or an empty
 * object) removes the image.
 */
export function articleImage(
  files: ShopFiles,
  baseUrl: string,
  input: unknown,
  at: string,
  nowSec: number,
): { image: Record<string, unknown> | null } | { error: string } {
  if (input === null || input === '' || (typeof input === 'object' && Object.keys(input).length === 0))
    return { image: null };
  if (typeof input !== 'object' || Array.isArray(input)) return { error: 'is invalid' };
  const i = input as ImageInput;
  const alt = typeof i.alt === 'string' ? i.alt : null;
  let file: ShopFile | undefined;
  if (typeof i.attachment === 'string') {
    const bytes = Buffer.from(i.attachment, 'base64');
    if (
      bytes.length === 0 ||
      bytes.toString('base64').replace(/=+$/, '') !== i.attachment.replace(/\s+/g, '').replace(/=+$/, '')
    )
      return { error: 'attachment is not valid base64 image data' };
    file = files.store(typeof i.filename === 'string' ? i.filename : 'image.png', bytes);
  } else if (typeof i.src === 'string' && /^https?:\/\//.test(i.src)) {
    file = files.byUrl(i.src);
    if (!file) return { image: { created_at: at, alt, width: null, height: null, src: i.src } };
  } else return { error: 'needs an attachment or a src' };
  return {
    image: { created_at: at, alt, width: file.width, height: file.height, src: `${baseUrl}${file.path}?v=${nowSec}` },
  };
}
