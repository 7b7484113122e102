import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currencyOffset, decimalToMicros, microsToDecimal, minorToMicros } from './money.ts';

test('decimal strings convert to micros exactly', () => {
  assert.equal(decimalToMicros('12.34'), 12_340_000n);
  assert.equal(decimalToMicros('0.1'), 100_000n);
  assert.equal(decimalToMicros('0'), 0n);
  assert.equal(decimalToMicros('1234567.891234'), 1_234_567_891_234n);
  assert.equal(decimalToMicros('-5.5'), -5_500_000n);
  assert.equal(decimalToMicros(0.3), 300_000n, 'a float that is not exact in binary still converts exactly');
  assert.equal(decimalToMicros(null), null);
  assert.throws(() => decimalToMicros('12,34'));
});

test('minor units use the currency offset', () => {
  assert.equal(minorToMicros('5000', currencyOffset('USD')), 50_000_000n);
  assert.equal(minorToMicros('5000', currencyOffset('JPY')), 5_000_000_000n);
  assert.equal(minorToMicros(undefined, 100), null);
});

test('micros convert back to an exact decimal string', () => {
  assert.equal(microsToDecimal(25_000_000n), '25');
  assert.equal(microsToDecimal(12_340_000n), '12.34');
  assert.equal(microsToDecimal(1_234_567_891_234n), '1234567.891234');
  assert.equal(microsToDecimal(-5_500_000n), '-5.5');
  assert.equal(microsToDecimal(0n), '0');
  for (const m of [1n, 999_999n, 40_000_000n, 123_456_789n]) assert.equal(decimalToMicros(microsToDecimal(m)), m);
});
