import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyHttp, retryAfterMs } from './errors.ts';

test('Retry-After in seconds is milliseconds; a negative one is no wait', () => {
  assert.equal(retryAfterMs({ 'retry-after': '30' }), 30_000);
  assert.equal(retryAfterMs({ 'retry-after': '-5' }), 0);
  assert.equal(retryAfterMs({}), undefined);
});

test('Retry-After as a date is measured from the response’s Date header, not from this machine’s clock', () => {
  const date = 'Wed, 21 Oct 2015 07:28:00 GMT';
  assert.equal(retryAfterMs({ date, 'retry-after': 'Wed, 21 Oct 2015 07:29:30 GMT' }), 90_000);
  assert.equal(
    retryAfterMs({ date, 'retry-after': 'Wed, 21 Oct 2015 07:27:00 GMT' }),
    0,
    'a date already past is no wait',
  );
  assert.equal(
    retryAfterMs({ 'retry-after': 'Wed, 21 Oct 2015 07:29:30 GMT' }),
    undefined,
    'without a Date header the date cannot be placed',
  );
  assert.equal(retryAfterMs({ date, 'retry-after': 'soon' }), undefined);
});

test('a 429 carries the platform’s delay; without one the caller’s default applies', () => {
  const limited = (headers: Record<string, string>) =>
    classifyHttp({ status: 429, headers, text: '', body: { message: 'slow down' } });
  assert.equal(
    limited({ date: 'Wed, 21 Oct 2015 07:28:00 GMT', 'retry-after': 'Wed, 21 Oct 2015 07:28:20 GMT' })?.retryAfterMs,
    20_000,
  );
  const bare = limited({});
  assert.equal(bare?.code, 'provider.rate_limited');
  assert.equal(bare?.retryAfterMs, undefined);
});
