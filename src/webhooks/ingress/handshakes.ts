import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ProviderApp } from '../../providers/contracts/app.ts';
import type { WebhookHandshake } from '../../providers/types.ts';

export type HandshakeAnswer = { status: number; type: 'text' | 'json'; body: string | Record<string, string> };

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** LinkedIn sends a UUID as `challengeCode` (ads.md §4.7). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Meta's `hub.challenge` is an integer (ads.md §1.7). */
const META_CHALLENGE = /^[0-9]{1,20}$/;
/** X's `crc_token` is an opaque token: seen as UUIDs and base64 strings (ads.md §5.7). */
const X_CRC = /^[A-Za-z0-9+/_=-]{16,128}$/;

/** True when `value` is a JSON text: a challenge that is one could be a webhook body. */
function parsesAsJson(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Subscription handshakes, one per kind (not per provider): Meta echoes `hub.challenge` when
 * `hub.verify_token` matches the configured token; LinkedIn answers the challenge code with
 * its HMAC under the app secret; X answers a CRC token. No configuration → refused.
 *
 * LinkedIn and X sign their event bodies with the same key and HMAC as the challenge answer,
 * so answering any string would sign any body for whoever asks (a signing oracle). Only values
 * of the platform's own challenge format are answered, and never one that parses as JSON
 * (every event body is JSON); Meta's echo is held to its integer format as well.
 */
export function answerHandshake(kind: WebhookHandshake, query: Readonly<Record<string, string | undefined>>, app: ProviderApp): HandshakeAnswer {
  switch (kind) {
    case 'meta-hub-challenge': {
      const token = app.extra.webhookVerifyToken;
      if (query['hub.mode'] !== 'subscribe' || !query['hub.challenge']) return { status: 400, type: 'text', body: 'not a subscription handshake' };
      if (!META_CHALLENGE.test(query['hub.challenge'])) return { status: 400, type: 'text', body: 'hub.challenge is not an integer' };
      if (!token || !query['hub.verify_token'] || !equal(query['hub.verify_token'], token)) return { status: 403, type: 'text', body: 'verify token mismatch' };
      return { status: 200, type: 'text', body: query['hub.challenge'] };
    }
    case 'linkedin-challenge': {
      const code = query.challengeCode;
      const secret = app.extra.webhookSecret ?? app.clientSecret;
      if (!code) return { status: 400, type: 'text', body: 'missing challengeCode' };
      if (!UUID.test(code)) return { status: 400, type: 'text', body: 'challengeCode is not a UUID' };
      if (!secret) return { status: 403, type: 'text', body: 'not configured' };
      return { status: 200, type: 'json', body: { challengeCode: code, challengeResponse: createHmac('sha256', secret).update(code).digest('hex') } };
    }
    case 'x-crc': {
      const crc = query.crc_token;
      const secret = app.clientSecret;
      if (!crc) return { status: 400, type: 'text', body: 'missing crc_token' };
      if (!X_CRC.test(crc) || parsesAsJson(crc)) return { status: 400, type: 'text', body: 'crc_token is not a CRC token' };
      if (!secret) return { status: 403, type: 'text', body: 'not configured' };
      return { status: 200, type: 'json', body: { response_token: `sha256=${createHmac('sha256', secret).update(crc).digest('base64')}` } };
    }
  }
}
