import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, hash32, rngFor } from './rng.ts';

const draw = (seed: number | string, n = 20): number[] => {
  const r = createRng(seed);
  return Array.from({ length: n }, () => r.next());
};

test('the same seed gives the same sequence; a different seed a different one', () => {
  assert.deepEqual(draw(42), draw(42));
  assert.notDeepEqual(draw(42), draw(43));
  assert.notDeepEqual(draw(42), draw('42'));
});

test('helpers stay within their ranges', () => {
  const r = createRng(1);
  for (let i = 0; i < 2000; i++) {
    const n = r.int(3, 7);
    assert.ok(n >= 3 && n <= 7 && Number.isInteger(n));
    const f = r.next();
    assert.ok(f >= 0 && f < 1);
  }
  assert.match(r.digits(15), /^[1-9]\d{14}$/);
  assert.match(r.alnum(12), /^[a-z0-9]{12}$/);
  assert.ok(['a', 'b'].includes(r.pick(['a', 'b'])));
  assert.throws(() => r.pick([]));
});

test('labelled streams are independent and reproducible', () => {
  assert.equal(rngFor(7, 'ad', 1, '2025-01-01').next(), rngFor(7, 'ad', 1, '2025-01-01').next());
  assert.notEqual(rngFor(7, 'ad', 1, '2025-01-01').next(), rngFor(7, 'ad', 1, '2025-01-02').next());
  assert.notEqual(hash32('a'), hash32('b'));
});

test('int covers both ends of the range', () => {
  const r = createRng('ends');
  const seen = new Set<number>();
  for (let i = 0; i < 500; i++) seen.add(r.int(0, 3));
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3]);
});
