import { createHmac } from 'node:crypto';
import { secretKey } from './secrets.ts';

/** The three Standard Webhooks headers of one attempt. */
export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs `${id}.${timestamp}.${body}` with every given secret (the current one first, then a
 * rotated-out one still in its overlap). Receivers accept the message when any `v1,`
 * signature verifies, so both old and new secrets work during a rotation.
 */
export function signWebhook(input: {
  id: string;
  timestampSeconds: number;
  body: string;
  secrets: readonly string[];
}): SignatureHeaders {
  const signed = `${input.id}.${input.timestampSeconds}.${input.body}`;
  const signatures = input.secrets.map(
    (s) => `v1,${createHmac('sha256', secretKey(s)).update(signed, 'utf8').digest('base64')}`,
  );
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestampSeconds),
    'webhook-signature': signatures.join(' '),
  };
}
