/**
 * Featured images as `field_image` (cms.md §2.2): the bytes go to the field's upload route
 * (`POST /jsonapi/node/article/field_image`, `application/octet-stream`,
 * `Content-Disposition: file; filename="…"`), which answers with a `file--file`; the node then
 * references that file with its alt text (required by the standard field). A file is uploaded
 * once per site and reused; one deleted on the site since is uploaded again.
 */
import { plexusError } from '../../../core/errors.ts';
import type { ContentContext } from '../../contracts/content.ts';
import { apiCall, apiUrl } from '../../kit/api-call.ts';
import { safeFilename } from '../../kit/upload-filename.ts';
import { errorStatus } from '../errors.ts';
import { JSONAPI, jsonapi } from './request.ts';

const REMOTE = 'remote:';

async function upload(s: ContentContext, sha256: string): Promise<{ id: string; alt: string }> {
  const held = await s.media(sha256);
  if (!held)
    throw plexusError('not_found', { message: `The featured image ${sha256.slice(0, 12)}… is not stored in Plexus.` });
  const res = await apiCall(s.connector, s.ctx, s.creds, {
    method: 'POST',
    url: apiUrl(s.ctx, '/node/article/field_image'),
    headers: {
      accept: JSONAPI,
      'content-type': 'application/octet-stream',
      'content-disposition': `file; filename="${safeFilename(held.ref.filename, held.ref.contentType, 'png')}"`,
    },
    body: held.bytes,
  });
  const file = (res.body as { data: { id: string; attributes?: { uri?: { url?: string } } } }).data;
  const url = file.attributes?.uri?.url ?? null;
  await s.rememberMedia(sha256, file.id, url && url.startsWith('/') ? `${s.ctx.config['siteUrl'] ?? ''}${url}` : url);
  return { id: file.id, alt: altOf(held.ref.alt, held.ref.filename) };
}

const altOf = (alt: string | undefined, filename: string) => alt?.trim() || filename.replace(/\.[^.]+$/, '');

async function fileExists(s: ContentContext, id: string): Promise<boolean> {
  try {
    await jsonapi(s, 'GET', `/file/file/${id}`);
    return true;
  } catch (err) {
    if (errorStatus(err) === 404) return false;
    throw err;
  }
}

/** The file (and alt text) to reference for a unified `featuredMedia` value. */
export async function imageTarget(
  s: ContentContext,
  value: string | null,
  keepAlt?: string,
): Promise<{ id: string; alt: string } | null> {
  if (value === null || value === '') return null;
  if (value.startsWith(REMOTE)) return { id: value.slice(REMOTE.length), alt: keepAlt || 'Image' };
  const known = await s.mediaRemoteId(value);
  if (known && (await fileExists(s, known))) {
    const held = await s.media(value);
    return { id: known, alt: altOf(held?.ref.alt, held?.ref.filename ?? 'image') };
  }
  return upload(s, value);
}

export async function featuredValue(s: ContentContext, fileId: string | undefined | null): Promise<string | null> {
  if (!fileId || fileId === 'missing') return null;
  return (await s.mediaByRemoteId(fileId)) ?? `${REMOTE}${fileId}`;
}
