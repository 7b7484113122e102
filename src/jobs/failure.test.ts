import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plexusError } from '../core/errors.ts';
import { describeFailure, redactText } from './failure.ts';

test('a failure is described by code, message and cause, with tokens in the text scrubbed', () => {
  const sys = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  assert.deepEqual(describeFailure(sys), {
    code: 'internal_error',
    message: 'connect ECONNREFUSED 127.0.0.1:5432',
    cause: 'ECONNREFUSED',
  });
  const wrapped = new Error('sync failed', {
    cause: new TypeError('fetch failed for https://x.test/?access_token=abc123&a=1'),
  });
  assert.equal(
    describeFailure(wrapped).cause,
    'TypeError: fetch failed for https://x.test/?access_token=[redacted]&a=1',
  );
  assert.equal(describeFailure(plexusError('provider.unavailable', { message: 'down' })).code, 'provider.unavailable');
  assert.equal(redactText('Authorization: Bearer eyJabc.def'), 'Authorization: Bearer [redacted]');
});
