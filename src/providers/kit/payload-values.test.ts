import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scalarText } from './payload-values.ts';

test('scalarText reads strings, numbers and booleans as text', () => {
  assert.equal(scalarText('123'), '123');
  assert.equal(scalarText(4.25), '4.25');
  assert.equal(scalarText(false), 'false');
});

test('scalarText reads empty, absent and structured values as null', () => {
  assert.equal(scalarText(''), null);
  assert.equal(scalarText(undefined), null);
  assert.equal(scalarText(null), null);
  assert.equal(scalarText({ micros: 1 }), null);
  assert.equal(scalarText([1]), null);
});
