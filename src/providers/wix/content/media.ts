/**
 * Featured images on Wix: an IMAGE field holds `wix:image://v1/{fileId}/{filename}#originWidth=…
 * &originHeight=…`. A new image goes to the site's Media Manager once (remembered through the
 * content context): `generate-upload-url`, then the bytes PUT to that URL (it carries the
 * grant; no Wix credentials go there).
 */
import { plexusError } from '../../../core/errors.ts';
import type { ContentContext } from '../../contracts/content.ts';
import { classifyHttp } from '../../kit/errors.ts';
import { wixCall } from '../call.ts';

const URI = /^wix:image:\/\/v1\/([^/#]+)/;

function size(bytes: Buffer): string {
  const png = bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47;
  return png ? `#originWidth=${bytes.readUInt32BE(16)}&originHeight=${bytes.readUInt32BE(20)}` : '';
}

async function upload(
  s: ContentContext,
  sha: string,
  m: NonNullable<Awaited<ReturnType<ContentContext['media']>>>,
): Promise<string> {
  const res = await wixCall(s, 'POST', '/site-media/v1/files/generate-upload-url', {
    mimeType: m.ref.contentType,
    fileName: m.ref.filename,
  });
  const uploadUrl = (res.body as { uploadUrl?: string }).uploadUrl;
  if (!uploadUrl) throw plexusError('provider.invalid_request', { message: 'Wix gave no upload URL.' });
  const url = new URL(uploadUrl);
  url.searchParams.set('filename', m.ref.filename);
  const put = await s.ctx.http.send({
    method: 'PUT',
    url: url.toString(),
    headers: { 'content-type': m.ref.contentType },
    body: m.bytes,
  });
  const file = (put.body as { file?: { id?: string; url?: string } } | undefined)?.file;
  if (put.status >= 300 || !file?.id)
    throw (
      classifyHttp(put) ??
      plexusError('provider.invalid_request', { message: 'The Wix upload answered without a file.' })
    );
  await s.rememberMedia(sha, file.id, file.url ?? null);
  return file.id;
}

/** The IMAGE field value for a featured image reference (null clears it). */
export async function imageValue(s: ContentContext, featured: string | null): Promise<string | null> {
  if (featured === null) return null;
  if (featured.startsWith('remote:')) {
    const id = featured.slice('remote:'.length);
    return /^(wix:image|https?):\/\//.test(id) ? id : `wix:image://v1/${id}/${id}`;
  }
  const m = await s.media(featured);
  const id = (await s.mediaRemoteId(featured)) ?? (m ? await upload(s, featured, m) : null);
  if (!id)
    throw plexusError('unprocessable', {
      message: `The featured image ${featured.slice(0, 12)}… is not held by Plexus.`,
    });
  return m
    ? `wix:image://v1/${id}/${encodeURIComponent(m.ref.filename)}${size(m.bytes)}`
    : `wix:image://v1/${id}/${id}`;
}

/** The unified reference for an IMAGE field value: the image Plexus uploaded, or `remote:<fileId|url>`. */
export async function featuredOf(s: ContentContext, v: unknown): Promise<string | null> {
  if (typeof v !== 'string' || !v) return null;
  const id = URI.exec(v)?.[1];
  if (!id) return `remote:${v}`;
  return (await s.mediaByRemoteId(id)) ?? `remote:${id}`;
}
