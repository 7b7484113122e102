/**
 * A filename for an upload's `Content-Disposition: …; filename="…"` that platforms read back
 * intact: no quotes, separators or non-ASCII, and an extension (from the content type, else
 * `fallbackExt`), since upload routes check it.
 */
export function safeFilename(name: string, contentType: string, fallbackExt: string): string {
  const clean = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+/, '');
  if (/\.[A-Za-z0-9]+$/.test(clean)) return clean;
  const ext = contentType.split('/')[1]?.replace(/[^a-z0-9]/gi, '') || fallbackExt;
  return `${clean || 'image'}.${ext === 'jpeg' ? 'jpg' : ext}`;
}
