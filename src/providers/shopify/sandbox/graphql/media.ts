/**
 * Media uploads as the Admin API takes them: `stagedUploadsCreate` hands out an upload target
 * (a multipart POST with the returned parameters and then the file), `fileCreate` turns the
 * uploaded `resourceUrl` into a MediaImage that is `UPLOADED` at first and `READY`, with its CDN
 * URL, when next read (Shopify processes files asynchronously).
 */
import { randomBytes } from 'node:crypto';
import { type Router } from '../../../../sandbox/kit/server.ts';
import type { ShopFile } from '../files.ts';
import { gid, idOf, iso, requireScope, type GqlContext, type UserError } from './access.ts';
import type { ShopifyContext } from '../context.ts';

const STAGED_PREFIX = '/staged-uploads/tmp/';

interface Staged {
  filename: string;
  mimeType: string;
  bytes?: Buffer;
}

interface MediaImage {
  id: number;
  alt: string | null;
  createdAt: number;
  file: ShopFile;
  ready: boolean;
}

export class ShopMedia {
  readonly #staged = new Map<string, Staged>();
  readonly #images = new Map<number, MediaImage>();
  #next = 30_000_000_000;
  /** Uploads received at staged targets (for tests). */
  uploads = 0;

  clear(): void {
    this.#staged.clear();
    this.#images.clear();
    this.uploads = 0;
  }

  /** The upload target: the key travels as a form field, as on the real storage bucket. */
  routes(r: Router): void {
    r.add('POST', `${STAGED_PREFIX}:key/:name`, async (req) => {
      const staged = this.#staged.get(req.params['key'] ?? '');
      if (!staged)
        return {
          status: 403,
          headers: { 'content-type': 'application/xml' },
          body: '<Error><Code>AccessDenied</Code></Error>',
        };
      const form = await new Request('http://upload.local/', {
        method: 'POST',
        headers: { 'content-type': String(req.headers['content-type'] ?? '') },
        body: req.rawBody,
      })
        .formData()
        .catch(() => undefined);
      const file = form?.get('file');
      if (!form || form.get('key') !== req.params['key'] || !(file instanceof Blob))
        return {
          status: 400,
          headers: { 'content-type': 'application/xml' },
          body: '<Error><Code>InvalidArgument</Code></Error>',
        };
      staged.bytes = Buffer.from(await file.arrayBuffer());
      this.uploads++;
      return { status: 201, headers: { 'content-type': 'application/xml' }, body: '<PostResponse/>' };
    });
  }

  stagedUploadsCreate(
    g: GqlContext,
    input: { resource: string; filename: string; mimeType: string; httpMethod?: string }[],
  ): unknown {
    requireScope(g, 'write_files', 'stagedUploadsCreate');
    const userErrors: UserError[] = [];
    const stagedTargets = input.map((i, n) => {
      if (i.httpMethod === 'PUT')
        userErrors.push({ field: ['input', String(n), 'httpMethod'], message: 'The sandbox takes POST uploads only.' });
      const key = randomBytes(12).toString('hex');
      this.#staged.set(key, { filename: i.filename, mimeType: i.mimeType });
      const url = `${g.shop.baseUrl}${STAGED_PREFIX}${key}/${encodeURIComponent(i.filename)}`;
      return {
        url,
        resourceUrl: url,
        parameters: [
          { name: 'key', value: key },
          { name: 'Content-Type', value: i.mimeType },
          { name: 'success_action_status', value: '201' },
          { name: 'acl', value: 'private' },
        ],
      };
    });
    return { stagedTargets: userErrors.length ? null : stagedTargets, userErrors };
  }

  fileCreate(
    g: GqlContext,
    files: { originalSource: string; contentType?: string; alt?: string | null; filename?: string | null }[],
  ): unknown {
    requireScope(g, 'write_files', 'fileCreate');
    const out: unknown[] = [];
    const userErrors: UserError[] = [];
    files.forEach((f, n) => {
      const key = new URL(f.originalSource, 'http://x').pathname.slice(STAGED_PREFIX.length).split('/')[0] ?? '';
      const staged = f.originalSource.includes(STAGED_PREFIX) ? this.#staged.get(key) : undefined;
      if (!staged?.bytes) {
        userErrors.push({
          code: 'FILE_DOES_NOT_EXIST',
          field: ['files', String(n), 'originalSource'],
          message: 'File does not exist',
        });
        return;
      }
      const file = g.shop.files.store(f.filename ?? staged.filename, staged.bytes);
      const img: MediaImage = { id: this.#next++, alt: f.alt ?? null, createdAt: g.shop.now(), file, ready: false };
      this.#images.set(img.id, img);
      out.push(this.#render(g.shop, img));
    });
    return { files: userErrors.length ? null : out, userErrors };
  }

  /** A MediaImage by gid; reading it finishes its processing. */
  node(shop: ShopifyContext, id: unknown): unknown {
    const img = this.#images.get(idOf(id, 'MediaImage') ?? -1);
    if (!img) return null;
    img.ready = true;
    return this.#render(shop, img);
  }

  #render(shop: ShopifyContext, img: MediaImage): unknown {
    return {
      __typename: 'MediaImage',
      id: gid('MediaImage', img.id),
      alt: img.alt,
      createdAt: iso(img.createdAt),
      fileStatus: img.ready ? 'READY' : 'UPLOADED',
      fileErrors: [],
      mimeType: img.file.contentType,
      image: img.ready
        ? {
            id: gid('ImageSource', img.id),
            url: `${shop.baseUrl}${img.file.path}?v=${Math.floor(img.createdAt / 1000)}`,
            altText: img.alt,
            width: img.file.width,
            height: img.file.height,
          }
        : null,
    };
  }
}
