import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitBlocks } from './blocks.ts';
import { mergeBody, threeWayMerge } from './merge.ts';
import type { ContentFields } from '../../providers/contracts/content.ts';

const base: ContentFields = {
  title: 'Launch',
  bodyHtml: '<p>One.</p>\n<p>Two.</p>\n<p>Three.</p>',
  excerpt: 'Short',
  slug: 'launch',
  status: 'published',
  categories: ['News'],
  tags: ['a', 'b'],
  featuredMedia: null,
  author: null,
};

test('HTML splits into top-level blocks, keeping nested markup, void tags and WordPress block groups whole', () => {
  assert.deepEqual(splitBlocks('<p>One <b>bold</b></p>\n\n<ul><li>x</li><li>y</li></ul>loose text<hr><h2>Head</h2>'), [
    '<p>One <b>bold</b></p>',
    '<ul><li>x</li><li>y</li></ul>',
    'loose text',
    '<hr>',
    '<h2>Head</h2>',
  ]);
  assert.deepEqual(
    splitBlocks(
      '<!-- wp:paragraph -->\n<p>A</p>\n<!-- /wp:paragraph -->\n<!-- wp:image {"id":3} -->\n<figure><img src="x"/></figure>\n<!-- /wp:image -->',
    ),
    [
      '<!-- wp:paragraph -->\n<p>A</p>\n<!-- /wp:paragraph -->',
      '<!-- wp:image {"id":3} -->\n<figure><img src="x"/></figure>\n<!-- /wp:image -->',
    ],
  );
  assert.deepEqual(splitBlocks(''), []);
});

test('edits to different paragraphs merge; edits to the same paragraph do not', () => {
  assert.equal(
    mergeBody(
      base.bodyHtml,
      '<p>One, edited in the hub.</p>\n<p>Two.</p>\n<p>Three.</p>',
      '<p>One.</p>\n<p>Two.</p>\n<p>Three, edited on the site.</p>',
    ),
    '<p>One, edited in the hub.</p>\n<p>Two.</p>\n<p>Three, edited on the site.</p>',
  );
  assert.equal(
    mergeBody(
      base.bodyHtml,
      '<p>One (hub).</p>\n<p>Two.</p>\n<p>Three.</p>',
      '<p>One (site).</p>\n<p>Two.</p>\n<p>Three.</p>',
    ),
    null,
  );
  // An inserted paragraph on one side and an edit on the other; the sides' own spacing is kept.
  assert.equal(
    mergeBody(base.bodyHtml, '<p>Zero.</p><p>One.</p><p>Two.</p><p>Three.</p>', '<p>One.</p><p>Two!</p><p>Three.</p>'),
    '<p>Zero.</p><p>One.</p><p>Two!</p><p>Three.</p>',
  );
});

test('one side changed: its value wins; both changed the same way: no conflict', () => {
  const r = threeWayMerge(base, { ...base, title: 'Hub title' }, { ...base, excerpt: 'Site excerpt' });
  assert.deepEqual(r.conflicts, []);
  assert.equal(r.merged.title, 'Hub title');
  assert.equal(r.merged.excerpt, 'Site excerpt');
  assert.deepEqual(r.remoteChanges, { title: 'Hub title' });
  assert.deepEqual(r.hubChanges, { excerpt: 'Site excerpt' });
  const same = threeWayMerge(base, { ...base, title: 'X' }, { ...base, title: 'X ' });
  assert.deepEqual(same.conflicts, []);
});

test('both sides changed a field differently: a conflict with base, hub and remote values; other fields still merge', () => {
  const r = threeWayMerge(base, { ...base, title: 'Hub', excerpt: 'Hub excerpt' }, { ...base, title: 'Site' });
  assert.deepEqual(r.conflicts, [{ field: 'title', base: 'Launch', hub: 'Hub', remote: 'Site' }]);
  assert.equal(r.merged.title, 'Launch', 'a conflicting field waits at its base value');
  assert.deepEqual(r.remoteChanges, { excerpt: 'Hub excerpt' });
  assert.deepEqual(r.hubChanges, {});
});

test('taxonomy merges as sets: additions and removals from both sides apply', () => {
  const r = threeWayMerge(base, { ...base, tags: ['a', 'b', 'c'] }, { ...base, tags: ['b'] });
  assert.deepEqual(r.conflicts, []);
  assert.deepEqual(r.merged.tags, ['b', 'c']);
});

test('bodies that differ only in whitespace between blocks are the same body', () => {
  const r = threeWayMerge(base, base, { ...base, bodyHtml: '<p>One.</p><p>Two.</p>\n\n<p>Three.</p>\n' });
  assert.deepEqual(r.remoteChanges, {});
  assert.deepEqual(r.hubChanges, {});
});
