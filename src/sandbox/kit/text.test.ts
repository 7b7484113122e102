import { test } from 'node:test';
import assert from 'node:assert/strict';
import { text } from './text.ts';

test('text keeps strings and formats numbers and booleans', () => {
  assert.equal(text('abc'), 'abc');
  assert.equal(text('', 'x'), '');
  assert.equal(text(42), '42');
  assert.equal(text(1.5), '1.5');
  assert.equal(text(true), 'true');
});

test('text gives the fallback for absent values, objects and arrays', () => {
  assert.equal(text(undefined), '');
  assert.equal(text(null, 'x'), 'x');
  assert.equal(text({ a: 1 }, 'offline'), 'offline');
  assert.equal(text(['a']), '');
});
