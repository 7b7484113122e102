/**
 * Body merges over HTML that a tag-matching regex misreads. Each case edits two different blocks
 * on the two sides (which must merge, markup intact) or re-spells one block (which is no edit).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitBlocks } from './blocks.ts';
import { mergeBody, sameField, threeWayMerge } from './merge.ts';
import type { ContentFields } from '../../providers/contracts/content.ts';

const fields = (bodyHtml: string): ContentFields => ({
  title: 'T',
  bodyHtml,
  excerpt: '',
  slug: 't',
  status: 'published',
  categories: [],
  tags: [],
  featuredMedia: null,
  author: null,
});

/**
 * Base with `one`/`two` in it; the hub edits `one`, the site edits `two`. diff3 takes edits to
 * adjacent blocks as one conflicting change, so each case keeps an untouched block between them.
 */
function mergeEdits(base: string, one: string, two: string): string | null {
  return mergeBody(base, base.replace(one, `${one} (hub)`), base.replace(two, `${two} (site)`));
}

/** `block` between two paragraphs is one block of its own and comes out of a merge of theirs as written. */
function assertKeptWhole(block: string): void {
  const base = `<p>One.</p>\n${block}\n<p>Two.</p>`;
  assert.deepEqual(splitBlocks(base), ['<p>One.</p>', block, '<p>Two.</p>']);
  assert.equal(mergeEdits(base, 'One.', 'Two.'), `<p>One. (hub)</p>\n${block}\n<p>Two. (site)</p>`);
}

test('a ">" inside a quoted attribute value does not end the tag', () => {
  assertKeptWhole('<img src="chart.png" alt="sales > costs">');
});

test('tags inside <script> are script text, not markup', () => {
  assertKeptWhole('<script>document.write("</p><p>" + (a < b))</script>');
});

test('a tag left open inside <pre> ends with the <pre>', () => {
  assertKeptWhole('<pre>Write <b>bold text like this\n  and keep going</pre>');
});

test('paragraphs without </p> are separate blocks, and closing one is no edit', () => {
  const base = '<p>One.<p>Two.<p>Three.';
  assert.deepEqual(splitBlocks(base), ['<p>One.', '<p>Two.', '<p>Three.']);
  assert.equal(mergeEdits(base, 'One.', 'Three.'), '<p>One. (hub)<p>Two.<p>Three. (site)');
  assert.equal(
    mergeBody(base, '<p>One (hub).<p>Two.<p>Three.', '<p>One (site).<p>Two.<p>Three.'),
    null,
    'the same paragraph edited on both sides still conflicts',
  );
  assert.ok(sameField('bodyHtml', base, '<p>One.</p><p>Two.</p><p>Three.</p>'));
});

test('a comment opener inside a script keeps WordPress block groups and their comments whole', () => {
  const html = '<!-- wp:html -->\n<script>document.write("<!--")</script>\n<!-- /wp:html -->';
  const para = (s: string) => `<!-- wp:paragraph -->\n<p>${s}</p>\n<!-- /wp:paragraph -->`;
  const base = [html, para('One.'), '<!-- more -->', para('Two.')].join('\n');
  assert.deepEqual(splitBlocks(base), [html, para('One.'), '<!-- more -->', para('Two.')]);
  assert.equal(
    mergeEdits(base, 'One.', 'Two.'),
    [html, para('One. (hub)'), '<!-- more -->', para('Two. (site)')].join('\n'),
  );
});

test('nested lists with their optional </li> left out close with their list', () => {
  const list = '<ul><li>Item<ul><li>Item.a<li>Item.b</ul><li>Last</ul>';
  assertKeptWhole(list);
  assert.equal(
    mergeEdits(`<p>One.</p>\n${list}\n<p>Two.</p>`, 'Item.b', 'One.'),
    null,
    'the list is one block: an item edit and a paragraph edit next to it are adjacent changes',
  );
});

test('entities: a site writing the same characters another way has not edited the block', () => {
  const base = '<p>Fish &amp; chips&nbsp;&#8212; &pound;5</p>\n<p>Two.</p>';
  const respelled = '<p>Fish &#38; chips\u00a0\u2014 \u00a35</p>\n<p>Two.</p>';
  const r = threeWayMerge(fields(base), fields(base.replace('chips', 'peas')), fields(respelled));
  assert.deepEqual(r.conflicts, []);
  assert.equal(r.merged.bodyHtml, '<p>Fish &amp; peas&nbsp;&#8212; &pound;5</p>\n<p>Two.</p>');
  assert.deepEqual(threeWayMerge(fields(base), fields(base), fields(respelled)).hubChanges, {});
  // Escaped markup is text: decoding it must not make it equal to real markup.
  assert.ok(!sameField('bodyHtml', '<p>a &lt;b&gt; c</p>', '<p>a <b> c</b></p>'));
});

test('whitespace between blocks is no content; whitespace and text between inline elements are', () => {
  const base = '<b>Bold</b> <i>italic</i>\n\n<p>Two.</p>\nPrice:<b>5</b>&euro;\n<p>Four.</p>';
  assert.deepEqual(splitBlocks(base), [
    '<b>Bold</b> <i>italic</i>',
    '<p>Two.</p>',
    'Price:<b>5</b>&euro;',
    '<p>Four.</p>',
  ]);
  assert.ok(sameField('bodyHtml', base, '<b>Bold</b> <i>italic</i><p>Two.</p>   \n  Price:<b>5</b>&euro;<p>Four.</p>'));
  // The site removed the space between two words: an edit, merged with the hub's.
  const r = threeWayMerge(
    fields(base),
    fields(base.replace('Four.', 'Four!')),
    fields(base.replace('</b> <i>', '</b><i>')),
  );
  assert.deepEqual(r.conflicts, []);
  assert.equal(r.merged.bodyHtml, '<b>Bold</b><i>italic</i>\n\n<p>Two.</p>\nPrice:<b>5</b>&euro;\n<p>Four!</p>');
  // The spacing between blocks comes out as the sides wrote it, blank lines included.
  const spaced = '<p>One.</p>\n\n<p>Two.</p>\n\n\n<p>Three.</p>';
  assert.equal(mergeEdits(spaced, 'One.', 'Three.'), '<p>One. (hub)</p>\n\n<p>Two.</p>\n\n\n<p>Three. (site)</p>');
});

test('void elements missing from a hand-kept list still take no content', () => {
  assertKeptWhole(
    '<object data="clip.mp4"><param name="autoplay" value="true"><param name="loop" value="false"></object>',
  );
});

test('a slash ending an unquoted attribute value does not self-close the tag; "<br/>" and "<br>" are one tag', () => {
  assertKeptWhole('<p>See <a href=/docs/>the docs</a> and more.</p>');
  assert.ok(
    sameField(
      'bodyHtml',
      '<p>a<br/>b</p><svg><circle r="1"/></svg>',
      '<p>a<br>b</p><svg><circle r="1"></circle></svg>',
    ),
  );
});
