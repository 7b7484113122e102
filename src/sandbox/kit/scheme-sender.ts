/**
 * Sender options for a sandbox that signs its deliveries with the scheme its platform's
 * definition verifies, so sender and verifier share one truth. The kit may not import
 * providers: a scheme here is anything with that `sign`.
 */
import type { WebhookSenderOptions } from './webhook-sender.ts';

export interface SigningScheme {
  sign(
    input: { rawBody: Buffer; secret: string; nowMs: number },
    names: { signatureHeader: string; timestampHeader?: string },
  ): { headers: Record<string, string> };
}

export interface SchemeSigning {
  scheme: SigningScheme;
  secret: string;
  names: { signatureHeader: string; timestampHeader?: string };
}

/** The sandbox's retry schedule and clock, and a `sign` that stamps each body with the scheme's headers at that clock. */
export function signedSenderOptions(
  clock: { retryDelaysMs: readonly number[]; now: () => number },
  { scheme, secret, names }: SchemeSigning,
): Pick<WebhookSenderOptions, 'retryDelaysMs' | 'now' | 'sign'> {
  return {
    retryDelaysMs: clock.retryDelaysMs,
    now: clock.now,
    sign: (body) => scheme.sign({ rawBody: body, secret, nowMs: clock.now() }, names).headers,
  };
}
