/**
 * Wix Media Manager uploads: `POST /site-media/v1/files/generate-upload-url {mimeType, fileName}`
 * answers with a one-time `uploadUrl`; the bytes are PUT there (`?filename=`, the file's
 * content type, no Wix credentials) and the answer is the file descriptor. Files are served
 * under `/media/{id}` (static.wixstatic.com on Wix); a data item's image field holds
 * `wix:image://v1/{id}/{filename}#originWidth=…&originHeight=…`.
 */
import { randomBytes } from 'node:crypto';
import { header, json, type Router, type SandboxRequest } from '../../../sandbox/kit/server.ts';
import { wixError } from './query.ts';

export interface WixFile {
  id: string;
  displayName: string;
  mimeType: string;
  bytes: Buffer;
  createdAt: number;
}

export class WixMedia {
  readonly #files = new Map<string, WixFile>();
  readonly #pending = new Map<string, { mimeType: string; fileName: string }>();
  constructor(
    private readonly origin: () => string,
    private readonly siteKey: string,
    private readonly now: () => number,
  ) {}

  count(): number {
    return this.#files.size;
  }

  clear(): void {
    this.#files.clear();
    this.#pending.clear();
  }

  #descriptor(f: WixFile): Record<string, unknown> {
    const png = f.bytes.length >= 24 && f.bytes.readUInt32BE(0) === 0x89504e47;
    const [width, height] = png ? [f.bytes.readUInt32BE(16), f.bytes.readUInt32BE(20)] : [0, 0];
    const url = `${this.origin()}/media/${f.id}`;
    return {
      id: f.id,
      displayName: f.displayName,
      url,
      parentFolderId: 'media-root',
      hash: f.id.slice(7, 39),
      sizeInBytes: String(f.bytes.length),
      private: false,
      mediaType: 'IMAGE',
      media: { image: { image: { id: f.id, url, height, width, filename: f.displayName } } },
      operationStatus: 'READY',
      labels: [],
      siteId: this.siteKey,
      createdDate: new Date(f.createdAt).toISOString(),
      updatedDate: new Date(f.createdAt).toISOString(),
    };
  }

  /** `authorize` answers for the site APIs (API key or token); the upload URL itself carries the grant. */
  routes(r: Router): void {
    r.add('POST', '/site-media/v1/files/generate-upload-url', (req) => {
      const { mimeType, fileName } = req.body;
      if (typeof mimeType !== 'string' || !mimeType) return wixError(400, 'mimeType is required', 'INVALID_ARGUMENT');
      const token = randomBytes(16).toString('hex');
      this.#pending.set(token, { mimeType, fileName: typeof fileName === 'string' && fileName ? fileName : 'file' });
      return json(200, { uploadUrl: `${this.origin()}/wix-upload/${token}` });
    });
    r.add('PUT', '/wix-upload/:token', (req: SandboxRequest) => {
      const p = this.#pending.get(req.params['token'] ?? '');
      if (!p) return wixError(403, 'Upload URL expired or already used', 'UPLOAD_URL_INVALID');
      if (req.rawBody.length === 0) return wixError(400, 'Empty file', 'INVALID_ARGUMENT');
      this.#pending.delete(req.params['token']!);
      const name = req.query['filename'] ?? p.fileName;
      const ext = name.includes('.') ? name.slice(name.lastIndexOf('.')) : '';
      const f: WixFile = {
        id: `${this.siteKey.slice(0, 6)}_${randomBytes(16).toString('hex')}~mv2${ext}`,
        displayName: name,
        mimeType: header(req, 'content-type') ?? p.mimeType,
        bytes: Buffer.from(req.rawBody),
        createdAt: this.now(),
      };
      this.#files.set(f.id, f);
      return json(200, { file: this.#descriptor(f) });
    });
    r.add('GET', '/media/:id', (req) => {
      const f = this.#files.get(req.params['id'] ?? '');
      return f
        ? { status: 200, headers: { 'content-type': f.mimeType }, body: f.bytes }
        : { status: 404, body: 'Not Found' };
    });
  }
}
