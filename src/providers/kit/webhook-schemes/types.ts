import type { WebhookSchemeId } from '../../types.ts';

/** Everything a scheme may look at; headers are lower-cased, the body is the exact bytes received. */
export interface VerifyInput {
  rawBody: Buffer;
  headers: Readonly<Record<string, string | undefined>>;
  /** HMAC secret, or a PEM public key for `jwt-rs256`. Missing means reject (fail closed). */
  secret: string | undefined;
  /** The clock, as an input, for timestamped schemes. */
  nowMs: number;
  /** From the provider definition. */
  signatureHeader: string;
  timestampHeader?: string;
  toleranceSeconds?: number;
  /** Constant prefix of the signed payload (LinkedIn signs `hmacsha256=` + body). */
  signedPayloadPrefix?: string;
}

export type VerifyFailure = 'missing_signature' | 'missing_secret' | 'bad_signature' | 'stale_timestamp' | 'malformed';

export type SchemeResult =
  | {
      ok: true;
      /** The decoded payload when the scheme carries it inside the signature (Wix's JWT). */ payload?: Buffer;
    }
  | { ok: false; reason: VerifyFailure };

export interface SignInput {
  rawBody: Buffer;
  secret: string;
  nowMs: number;
  signedPayloadPrefix?: string;
}

/**
 * One verification scheme, configured by each provider's definition. `sign` produces the
 * header(s) a sender attaches (sandboxes use it, so senders and verifiers share one truth).
 */
export interface WebhookScheme {
  id: WebhookSchemeId;
  verify(input: VerifyInput): SchemeResult;
  /** Header name → value (names as in the definition, lower case), and the body to send. */
  sign(
    input: SignInput,
    names: { signatureHeader: string; timestampHeader?: string },
  ): { headers: Record<string, string>; body: Buffer };
}
