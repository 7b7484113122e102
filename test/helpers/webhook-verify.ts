/**
 * Webhook-scheme verification as the tests call it: verifier inputs for a scheme's own tests, and
 * checking a delivery that a sandbox sent to a {@link receiver} the way a connector does.
 */
import type { SchemeResult, VerifyInput, WebhookScheme } from '../../src/providers/kit/webhook-schemes/types.ts';
import type { Received } from './sandbox-http.ts';

/**
 * Builds verifier inputs for one scheme's tests: `base` (body, secret, clock, header names) with
 * the headers under test; `over` replaces any field for the case at hand.
 */
export function inputWith(base: Omit<VerifyInput, 'headers'>) {
  return (headers: Record<string, string>, over: Partial<VerifyInput> = {}): VerifyInput => ({
    ...base,
    headers,
    ...over,
  });
}

/** Verifies a recorded delivery with `scheme`; repeated headers count by their first value, as the server reads them. */
export function verifyDelivery(
  scheme: WebhookScheme,
  r: Received,
  config: Omit<VerifyInput, 'rawBody' | 'headers'>,
): SchemeResult {
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  return scheme.verify({ rawBody: r.body, headers, ...config });
}
