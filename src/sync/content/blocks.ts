/**
 * HTML bodies as a list of top-level blocks (paragraphs, headings, lists, figures, WordPress
 * block-comment groups), the unit of the body's three-way merge: two edits to different
 * paragraphs merge; two edits to the same paragraph conflict. The text of each block is kept
 * as written, so a merge never rewrites markup it did not need to touch.
 */

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const TAG = /<!--[\s\S]*?-->|<\/?([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?(\/?)>/g;

export function splitBlocks(html: string): string[] {
  const blocks: string[] = [];
  let depth = 0;
  let start = 0;
  // An open WordPress block comment (`<!-- wp:x -->`) keeps everything up to its closer together.
  let wpDepth = 0;
  const flush = (end: number) => {
    const text = html.slice(start, end).trim();
    if (text) blocks.push(text);
    start = end;
  };
  for (let m = TAG.exec(html); m; m = TAG.exec(html)) {
    const token = m[0];
    if (token.startsWith('<!--')) {
      const body = token.slice(4, -3).trim();
      if (/^wp:/.test(body) && !body.endsWith('/')) {
        if (depth === 0 && wpDepth === 0) flush(m.index);
        wpDepth++;
      } else if (/^\/wp:/.test(body)) {
        wpDepth = Math.max(0, wpDepth - 1);
        if (depth === 0 && wpDepth === 0) flush(m.index + token.length);
      }
      continue;
    }
    const name = (m[1] ?? '').toLowerCase();
    const closing = token.startsWith('</');
    if (closing) {
      depth = Math.max(0, depth - 1);
      if (depth === 0 && wpDepth === 0) flush(m.index + token.length);
    } else if (!VOID.has(name) && m[2] !== '/') {
      // Text before a top-level element is a block of its own.
      if (depth === 0 && wpDepth === 0) flush(m.index);
      depth++;
    } else if (depth === 0 && wpDepth === 0) {
      flush(m.index);
      flush(m.index + token.length);
    }
  }
  TAG.lastIndex = 0;
  flush(html.length);
  return blocks;
}

/** The body as the merge and the hashes see it: blocks trimmed, one per line. */
export function normalizeBody(html: string): string {
  return splitBlocks(html).join('\n');
}
