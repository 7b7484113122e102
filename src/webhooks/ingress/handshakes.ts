import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ProviderApp } from '../../providers/apps.ts';
import type { WebhookHandshake } from '../../providers/types.ts';

export type HandshakeAnswer = { status: number; type: 'text' | 'json'; body: string | Record<string, string> };

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Subscription handshakes, one per kind (not per provider): Meta echoes `hub.challenge` when
 * `hub.verify_token` matches the configured token; LinkedIn answers the challenge code with
 * its HMAC under the app secret; X answers a CRC token. No configuration → refused.
 */
export function answerHandshake(kind: WebhookHandshake, query: Readonly<Record<string, string | undefined>>, app: ProviderApp): HandshakeAnswer {
  switch (kind) {
    case 'meta-hub-challenge': {
      const token = app.extra.webhookVerifyToken;
      if (query['hub.mode'] !== 'subscribe' || !query['hub.challenge']) return { status: 400, type: 'text', body: 'not a subscription handshake' };
      if (!token || !query['hub.verify_token'] || !equal(query['hub.verify_token'], token)) return { status: 403, type: 'text', body: 'verify token mismatch' };
      return { status: 200, type: 'text', body: query['hub.challenge'] };
    }
    case 'linkedin-challenge': {
      const code = query.challengeCode;
      const secret = app.extra.webhookSecret ?? app.clientSecret;
      if (!code) return { status: 400, type: 'text', body: 'missing challengeCode' };
      if (!secret) return { status: 403, type: 'text', body: 'not configured' };
      return { status: 200, type: 'json', body: { challengeCode: code, challengeResponse: createHmac('sha256', secret).update(code).digest('hex') } };
    }
    case 'x-crc': {
      const crc = query.crc_token;
      const secret = app.clientSecret;
      if (!crc) return { status: 400, type: 'text', body: 'missing crc_token' };
      if (!secret) return { status: 403, type: 'text', body: 'not configured' };
      return { status: 200, type: 'json', body: { response_token: `sha256=${createHmac('sha256', secret).update(crc).digest('base64')}` } };
    }
  }
}
