/**
 * Featured images on Webflow: an Image field holds `{fileId, url, alt}` of a site asset. A new
 * image is uploaded once per site (remembered through the content context): the Assets API
 * announces it by name and MD5 and answers with an S3 upload URL and form fields; the bytes go
 * there as multipart/form-data, without the Webflow token.
 */
import { createHash, randomBytes } from 'node:crypto';
import { plexusError } from '../../../core/errors.ts';
import type { ContentContext } from '../../contracts/content.ts';
import { classifyHttp } from '../../kit/errors.ts';
import { wfCall } from '../call.ts';
import { siteIdOf } from './collection-roles.ts';

export interface ImageValue {
  fileId?: string | null;
  url?: string;
  alt?: string | null;
}

function multipart(
  fields: Record<string, string>,
  file: { name: string; type: string; bytes: Buffer },
): { body: Buffer; type: string } {
  const boundary = `----plexus${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  // S3 ignores fields after the file, so it goes last.
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name.replace(/"/g, '')}"\r\nContent-Type: ${file.type}\r\n\r\n`,
    ),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

async function upload(s: ContentContext, sha: string): Promise<{ fileId: string; url: string }> {
  const media = await s.media(sha);
  if (!media)
    throw plexusError('unprocessable', { message: `The featured image ${sha.slice(0, 12)}… is not held by Plexus.` });
  const siteId = await siteIdOf(s);
  const fileHash = createHash('md5').update(media.bytes).digest('hex');
  const res = await wfCall(s, 'POST', `/sites/${siteId}/assets`, { fileName: media.ref.filename, fileHash });
  const a = res.body as {
    id: string;
    uploadUrl: string;
    uploadDetails: Record<string, string>;
    hostedUrl?: string;
    assetUrl?: string;
  };
  const form = multipart(a.uploadDetails, {
    name: media.ref.filename,
    type: media.ref.contentType,
    bytes: media.bytes,
  });
  const put = await s.ctx.http.send({
    method: 'POST',
    url: a.uploadUrl,
    headers: { 'content-type': form.type, accept: '*/*' },
    body: form.body,
  });
  if (put.status >= 300)
    throw (
      classifyHttp(put) ??
      plexusError('provider.invalid_request', { message: `The asset upload was refused (${put.status}).` })
    );
  const url = a.hostedUrl ?? a.assetUrl ?? '';
  await s.rememberMedia(sha, a.id, url);
  return { fileId: a.id, url };
}

/** The Image field value for a featured image reference (`null` clears the field). */
export async function imageValue(s: ContentContext, featured: string | null): Promise<ImageValue | null> {
  if (featured === null) return null;
  if (featured.startsWith('remote:')) {
    const id = featured.slice('remote:'.length);
    return /^https?:\/\//.test(id) ? { url: id } : { fileId: id };
  }
  const fileId = await s.mediaRemoteId(featured);
  const alt = (await s.media(featured))?.ref.alt ?? null;
  if (fileId) return { fileId, alt };
  return { ...(await upload(s, featured)), alt };
}

/** The unified reference for an Image field value: the image Plexus uploaded, or `remote:<fileId|url>`. */
export async function featuredOf(s: ContentContext, v: unknown): Promise<string | null> {
  if (!v || typeof v !== 'object') return null;
  const img = v as ImageValue;
  if (img.fileId) return (await s.mediaByRemoteId(img.fileId)) ?? `remote:${img.fileId}`;
  return img.url ? `remote:${img.url}` : null;
}
