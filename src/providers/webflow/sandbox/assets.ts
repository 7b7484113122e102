/**
 * Webflow Assets: `POST /v2/sites/{site_id}/assets {fileName, fileHash}` answers with an S3
 * `uploadUrl` and the form fields (`uploadDetails`) to send with the file; the file then goes
 * to that bucket as a multipart POST (no Webflow token), and is served at the asset's
 * `hostedUrl`. The bucket is simulated on the sandbox origin under `/s3/webflow-prod-assets`;
 * an upload whose MD5 differs from the announced `fileHash` is refused, as the signed policy is.
 */
import { createHash, randomBytes } from 'node:crypto';
import { header, json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import { hexId, wfError } from './cms.ts';
import { IMAGE_TYPES } from '../../../sandbox/kit/uploads.ts';

export interface WfAsset {
  id: string;
  fileName: string;
  fileHash: string;
  contentType: string;
  createdOn: number;
  /** S3 object key the upload must use. */
  key: string;
  bytes: Buffer | null;
}

const BUCKET_PATH = '/s3/webflow-prod-assets';
const TYPES: Record<string, string> = { ...IMAGE_TYPES, svg: 'image/svg+xml' };

/** Parts of a multipart/form-data body: name → value (text) or file bytes. */
export function parseMultipart(req: SandboxRequest): Map<string, { value: Buffer; filename?: string }> | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(header(req, 'content-type') ?? '');
  if (!boundary) return undefined;
  const delim = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts = new Map<string, { value: Buffer; filename?: string }>();
  let at = req.rawBody.indexOf(delim);
  while (at >= 0) {
    const start = at + delim.length;
    if (req.rawBody.subarray(start, start + 2).toString() === '--') break;
    const next = req.rawBody.indexOf(delim, start);
    if (next < 0) return undefined;
    const part = req.rawBody.subarray(start + 2, next - 2); // drop the CRLF after the delimiter and before the next one
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) return undefined;
    const head = part.subarray(0, split).toString('utf8');
    const name = /name="([^"]*)"/i.exec(head)?.[1];
    const filename = /filename="([^"]*)"/i.exec(head)?.[1];
    if (name !== undefined)
      parts.set(name, { value: part.subarray(split + 4), ...(filename === undefined ? {} : { filename }) });
    at = next;
  }
  return parts;
}

export class WfAssets {
  readonly #assets = new Map<string, WfAsset>();
  constructor(
    private readonly origin: () => string,
    private readonly siteId: () => string,
    private readonly now: () => number,
  ) {}

  hostedUrl(a: WfAsset): string {
    return `${this.origin()}/assets/${this.siteId()}/${a.id}_${encodeURIComponent(a.fileName)}`;
  }

  /** The uploaded asset an image value names: by `fileId`, or by a URL that is one of the site's asset URLs. */
  find(v: { fileId?: unknown; url?: unknown }): { id: string; hostedUrl: string } | undefined {
    let a: WfAsset | undefined;
    if (typeof v.fileId === 'string') a = this.#assets.get(v.fileId);
    else if (typeof v.url === 'string') a = [...this.#assets.values()].find((x) => this.hostedUrl(x) === v.url);
    return a && a.bytes ? { id: a.id, hostedUrl: this.hostedUrl(a) } : undefined;
  }

  count(): number {
    return [...this.#assets.values()].filter((a) => a.bytes).length;
  }

  clear(): void {
    this.#assets.clear();
  }

  #render(a: WfAsset): Record<string, unknown> {
    const iso = new Date(a.createdOn).toISOString();
    return {
      id: a.id,
      contentType: a.contentType,
      size: a.bytes?.length ?? 0,
      siteId: this.siteId(),
      hostedUrl: this.hostedUrl(a),
      originalFileName: a.fileName,
      displayName: a.fileName,
      lastUpdated: iso,
      createdOn: iso,
      variants: [],
      altText: null,
    };
  }

  routes(r: Router, guard: (req: SandboxRequest, scope: string) => SandboxResponse | undefined): void {
    r.add('POST', '/v2/sites/:site/assets', (req) => {
      const denied = guard(req, 'assets:write');
      if (denied) return denied;
      if (req.params['site'] !== this.siteId())
        return wfError(404, 'resource_not_found', 'Requested resource not found: The site id provided is not valid');
      const { fileName, fileHash } = req.body;
      const bad = [
        ...(typeof fileName === 'string' && fileName
          ? []
          : [{ param: 'fileName', description: 'fileName is required' }]),
        ...(typeof fileHash === 'string' && /^[0-9a-f]{32}$/i.test(fileHash)
          ? []
          : [{ param: 'fileHash', description: 'fileHash must be the MD5 hex digest of the file' }]),
      ];
      if (bad.length) return wfError(400, 'validation_error', 'Validation Error', bad);
      const t = this.now();
      const id = hexId('asset', String(fileHash), t, this.#assets.size);
      const ext = String(fileName).split('.').pop()!.toLowerCase();
      const a: WfAsset = {
        id,
        fileName: String(fileName),
        fileHash: String(fileHash).toLowerCase(),
        contentType: TYPES[ext] ?? 'application/octet-stream',
        createdOn: t,
        key: `${this.siteId()}/${id}_${String(fileName)}`,
        bytes: null,
      };
      this.#assets.set(id, a);
      const uploadDetails = {
        acl: 'public-read',
        bucket: 'webflow-prod-assets',
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Credential': 'AKIASANDBOX/20250101/us-east-1/s3/aws4_request',
        'X-Amz-Date': '20250101T000000Z',
        key: a.key,
        Policy: randomBytes(24).toString('base64'),
        'X-Amz-Signature': randomBytes(32).toString('hex'),
        success_action_status: '201',
        'content-type': a.contentType,
        'Cache-Control': 'max-age=31536000, must-revalidate',
      };
      return json(200, {
        ...this.#render(a),
        uploadUrl: `${this.origin()}${BUCKET_PATH}`,
        uploadDetails,
        assetUrl: this.hostedUrl(a),
      });
    });
    r.add('GET', '/v2/assets/:id', (req) => {
      const denied = guard(req, 'assets:read');
      if (denied) return denied;
      const a = this.#assets.get(req.params['id'] ?? '');
      return a
        ? json(200, this.#render(a))
        : wfError(404, 'resource_not_found', 'Requested resource not found: The asset id provided is not valid');
    });
    r.add('POST', BUCKET_PATH, (req) => this.#upload(req));
    r.add('GET', '/assets/:site/:file', (req) => {
      const a = [...this.#assets.values()].find((x) => x.bytes && `${x.id}_${x.fileName}` === req.params['file']);
      return a?.bytes
        ? { status: 200, headers: { 'content-type': a.contentType }, body: a.bytes }
        : { status: 404, body: 'Not Found' };
    });
  }

  /** S3 POST object: the policy fields, then `file`; answers with XML as S3 does. */
  #upload(req: SandboxRequest): SandboxResponse {
    const s3 = (status: number, code: string, message: string): SandboxResponse => ({
      status,
      headers: { 'content-type': 'application/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    });
    const parts = parseMultipart(req);
    if (!parts)
      return s3(400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
    const key = parts.get('key')?.value.toString('utf8');
    const file = parts.get('file');
    const a = [...this.#assets.values()].find((x) => x.key === key);
    if (!a || !parts.get('X-Amz-Signature'))
      return s3(403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed.');
    if (!file) return s3(400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
    if (createHash('md5').update(file.value).digest('hex') !== a.fileHash)
      return s3(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
    a.bytes = Buffer.from(file.value);
    return {
      status: 201,
      headers: { 'content-type': 'application/xml', etag: `"${a.fileHash}"` },
      body: `<?xml version="1.0" encoding="UTF-8"?><PostResponse><Bucket>webflow-prod-assets</Bucket><Key>${a.key}</Key><ETag>"${a.fileHash}"</ETag></PostResponse>`,
    };
  }
}
