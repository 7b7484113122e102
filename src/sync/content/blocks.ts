/**
 * HTML bodies as a list of top-level blocks (paragraphs, headings, lists, figures, runs of inline
 * content, WordPress block-comment groups), the unit of the body's three-way merge: two edits to
 * different paragraphs merge; two edits to the same paragraph conflict.
 *
 * The body is read by htmlparser2, whose tokenizer knows quoted attributes, raw-text elements
 * (script, style, textarea), comments, void elements and optional end tags, and which reports
 * where each node starts and ends in the source. A block's text is that source slice as written,
 * so a merge never rewrites markup it did not need to touch; its key is the block serialized
 * again from the parse, so two spellings of the same markup (`&#38;` and `&amp;`, `<br/>` and
 * `<br>`, an omitted `</p>`) are the same block to the merge and the hashes.
 */
import { ElementType, parseDocument } from 'htmlparser2';
import { render } from 'dom-serializer';

type Node = ReturnType<typeof parseDocument>['children'][number];

export interface Block {
  /** The block's source text, trimmed. */
  text: string;
  /** What the block means, independent of how its markup is spelled: what merges compare. */
  key: string;
  /** The whitespace before the block in its source, and the key of the block before it (null for the first). */
  space: string;
  prevKey: string | null;
}

// Phrasing content of the HTML standard: consecutive top-level nodes of these kinds (and text)
// form one block, as a browser lays them out in one anonymous line box, so whitespace between
// them stays content and a merge never puts a line break inside a sentence.
const PHRASING = new Set([
  'a',
  'abbr',
  'audio',
  'b',
  'bdi',
  'bdo',
  'br',
  'button',
  'canvas',
  'cite',
  'code',
  'data',
  'datalist',
  'del',
  'dfn',
  'em',
  'embed',
  'i',
  'iframe',
  'img',
  'input',
  'ins',
  'kbd',
  'label',
  'map',
  'mark',
  'math',
  'meter',
  'object',
  'output',
  'picture',
  'progress',
  'q',
  'ruby',
  's',
  'samp',
  'select',
  'slot',
  'small',
  'span',
  'strong',
  'sub',
  'sup',
  'svg',
  'textarea',
  'time',
  'u',
  'var',
  'video',
  'wbr',
]);

function isInline(n: Node): boolean {
  return n.type === ElementType.Text || (n.type === ElementType.Tag && PHRASING.has(n.name));
}

/** +1 for a WordPress block opener (`<!-- wp:x {…} -->`), -1 for its closer, 0 otherwise (`<!-- wp:x /-->` stands alone). */
function wpStep(n: Node): number {
  if (n.type !== ElementType.Comment) return 0;
  const body = n.data.trim();
  if (body.startsWith('wp:')) return body.endsWith('/') ? 0 : 1;
  return body.startsWith('/wp:') ? -1 : 0;
}

/** Top-level nodes grouped into blocks: inline runs together, a WordPress group from opener to closer. */
function groupNodes(nodes: readonly Node[]): Node[][] {
  const groups: Node[][] = [];
  let run: Node[] = [];
  let wpDepth = 0;
  const close = () => {
    if (run.length) groups.push(run);
    run = [];
  };
  for (const n of nodes) {
    const step = wpStep(n);
    if (wpDepth > 0) {
      run.push(n);
      wpDepth += step;
      if (wpDepth === 0) close();
    } else if (step === 1) {
      close();
      run.push(n);
      wpDepth = 1;
    } else if (isInline(n)) {
      run.push(n);
    } else {
      close();
      groups.push([n]);
    }
  }
  close();
  return groups;
}

// A merge compares the same three bodies many times (each field check, both diffs, the hash):
// the last few parses are kept rather than parsed again.
const RECENT_LIMIT = 16;
const recent = new Map<string, readonly Block[]>();

export function bodyBlocks(html: string): readonly Block[] {
  const known = recent.get(html);
  if (known) return known;
  const blocks = parseBlocks(html);
  if (recent.size >= RECENT_LIMIT) recent.delete(recent.keys().next().value!);
  recent.set(html, blocks);
  return blocks;
}

function parseBlocks(html: string): readonly Block[] {
  const nodes = parseDocument(html, { withStartIndices: true, withEndIndices: true }).children;
  // An element closed by what follows it (`<p>a<p>b`) ends, by the parser's count, at the end of
  // the tag that closed it; its source ends where the next node starts.
  const span = new Map<Node, [number, number]>();
  nodes.forEach((n, i) => {
    const next = nodes[i + 1]?.startIndex ?? html.length;
    span.set(n, [n.startIndex ?? 0, Math.min((n.endIndex ?? html.length) + 1, next, html.length)]);
  });
  const blocks: Block[] = [];
  let end = 0;
  for (const group of groupNodes(nodes)) {
    const [from] = span.get(group[0]!)!;
    const [, to] = span.get(group.at(-1)!)!;
    const raw = html.slice(from, to);
    const text = raw.trim();
    // Whitespace between blocks is no block.
    if (!text) continue;
    const start = from + raw.length - raw.trimStart().length;
    const key = render(group, { encodeEntities: 'utf8' }).trim();
    blocks.push(Object.freeze({ text, key, space: html.slice(end, start), prevKey: blocks.at(-1)?.key ?? null }));
    end = start + text.length;
  }
  return Object.freeze(blocks);
}

/** The blocks' source texts, in order. */
export function splitBlocks(html: string): string[] {
  return bodyBlocks(html).map((b) => b.text);
}

/** The body as the merge and the hashes see it: block keys, one per line. */
export function normalizeBody(html: string): string {
  return bodyBlocks(html)
    .map((b) => b.key)
    .join('\n');
}
