/** What the media sandboxes read from an uploaded file: its type by extension, its stem and a PNG's size. */

/** Image types every media sandbox accepts, by lower-case file extension. */
export const IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

/** Width and height from a PNG header (the IHDR chunk); undefined for other formats. */
export function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
  const png = bytes.length >= 24 && bytes.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'));
  return png ? { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) } : undefined;
}

/** `photo.png` → `photo` and `.png`; a name without an extension (or only a leading dot) has none. */
export function splitExtension(filename: string): { stem: string; ext: string } {
  const dot = filename.lastIndexOf('.');
  return dot > 0 ? { stem: filename.slice(0, dot), ext: filename.slice(dot) } : { stem: filename, ext: '' };
}
