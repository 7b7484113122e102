import { test } from 'node:test';
import assert from 'node:assert/strict';
import { googleAdsConnector } from './connector.ts';

test('a Google quota error waits as long as its retryDelay says', () => {
  const body = {
    error: {
      code: 429,
      status: 'RESOURCE_EXHAUSTED',
      message: 'Too many requests',
      details: [
        {
          '@type': 'type.googleapis.com/google.ads.googleads.v22.errors.GoogleAdsFailure',
          errors: [
            {
              errorCode: { quotaError: 'RESOURCE_EXHAUSTED' },
              details: { quotaErrorDetails: { rateScope: 'ACCOUNT', retryDelay: '42s' } },
            },
          ],
        },
      ],
    },
  };
  const err = googleAdsConnector.classify!({ status: 429, headers: {}, text: JSON.stringify(body), body });
  assert.equal(err?.code, 'provider.rate_limited');
  assert.equal(err?.retryAfterMs, 42_000);
  const noDelay = { error: { status: 'RESOURCE_EXHAUSTED', message: 'x' } };
  assert.equal(
    googleAdsConnector.classify!({ status: 429, headers: {}, text: '', body: noDelay })?.retryAfterMs,
    30_000,
  );
});
