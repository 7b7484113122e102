/**
 * Featured images (cms.md §1.2): an image Plexus holds is uploaded once per site with
 * `POST /wp/v2/media` (raw bytes, `Content-Disposition: attachment; filename="…"`) and its
 * attachment id remembered; ids read back from posts become the image's hash again, or
 * `remote:<id>` for an image only the site has.
 */
import { plexusError } from '../../../core/errors.ts';
import type { ContentContext } from '../../contracts/content.ts';
import { apiCall, apiUrl } from '../../kit/api-call.ts';
import { safeFilename } from '../../kit/upload-filename.ts';

const REMOTE = 'remote:';

export async function uploadImage(s: ContentContext, sha256: string): Promise<number> {
  const held = await s.media(sha256);
  if (!held)
    throw plexusError('not_found', { message: `The featured image ${sha256.slice(0, 12)}… is not stored in Plexus.` });
  const q = new URLSearchParams();
  // The attachments controller reads alt_text from any request param, the query string included.
  if (held.ref.alt) q.set('alt_text', held.ref.alt);
  const res = await apiCall(s.connector, s.ctx, s.creds, {
    method: 'POST',
    url: apiUrl(s.ctx, `/media${q.toString() ? `?${q.toString()}` : ''}`),
    headers: {
      'content-type': held.ref.contentType,
      'content-disposition': `attachment; filename="${safeFilename(held.ref.filename, held.ref.contentType, 'bin')}"`,
    },
    body: held.bytes,
  });
  const m = res.body as { id: number; source_url?: string };
  await s.rememberMedia(sha256, String(m.id), m.source_url ?? null);
  return m.id;
}

/**
 * The attachment id to write for a unified `featuredMedia` value; `fresh` forces a new upload
 * (the remembered attachment is gone from the site).
 */
export async function featuredMediaId(s: ContentContext, value: string | null, fresh = false): Promise<number> {
  if (value === null || value === '') return 0;
  if (value.startsWith(REMOTE)) return Number(value.slice(REMOTE.length)) || 0;
  if (!fresh) {
    const known = await s.mediaRemoteId(value);
    if (known !== null && Number(known) > 0) return Number(known);
  }
  return uploadImage(s, value);
}

/** The unified value for an attachment id on a post. */
export async function featuredMediaValue(s: ContentContext, id: number | undefined): Promise<string | null> {
  if (!id) return null;
  return (await s.mediaByRemoteId(String(id))) ?? `${REMOTE}${id}`;
}
