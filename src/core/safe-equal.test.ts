import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeEqual } from './safe-equal.ts';

test('equal bytes and equal strings match; any difference does not', () => {
  assert.equal(safeEqual(Buffer.from('abc'), Buffer.from('abc')), true);
  assert.equal(safeEqual('verify-token', 'verify-token'), true);
  assert.equal(safeEqual('verify-token', 'verify-tokeN'), false);
  assert.equal(safeEqual(Buffer.from('abc'), 'abc'), true, 'a string compares as its UTF-8 bytes');
  assert.equal(safeEqual('é', Buffer.from('e\u0301')), false);
});

test('unequal lengths are unequal, never a throw (which would surface as a 500)', () => {
  assert.equal(safeEqual(Buffer.alloc(32), Buffer.alloc(31)), false);
  assert.equal(safeEqual('', 'x'), false);
  assert.equal(safeEqual('', ''), true);
});
