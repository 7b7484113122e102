import type { WebhookAdapter } from '../contracts/webhooks.ts';
import { hmacSha256 } from '../kit/webhook-schemes/util.ts';

/** LinkedIn sends a UUID as `challengeCode` (ads.md §4.7). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** ads.md §4.7: Lead Sync notifications name the sponsored account that owns the lead. */
export const linkedinWebhooks: WebhookAdapter = {
  events(body) {
    const b = (body ?? {}) as {
      type?: string;
      owner?: { sponsoredAccount?: string };
      leadGenFormResponse?: string;
      leadAction?: string;
      occurredAt?: number;
    };
    const id = b.leadGenFormResponse
      ? `${b.leadGenFormResponse}:${b.leadAction ?? ''}:${b.occurredAt ?? ''}`
      : undefined;
    return [
      {
        ...(id ? { eventId: id } : {}),
        topic: b.type ?? 'unknown',
        ...(b.owner?.sponsoredAccount ? { accountRef: b.owner.sponsoredAccount } : {}),
        payload: body,
      },
    ];
  },
  // Leads are stored as events; campaign entities have no webhooks on LinkedIn (poll).
  action: () => ({ kind: 'none' }),
  // GET challengeCode → {challengeCode, challengeResponse: hex HMAC under the app secret}. The
  // same HMAC and key sign event bodies, so only a UUID is answered (never a body-shaped value).
  handshake(query, app) {
    const code = query.challengeCode;
    const secret = app.extra.webhookSecret ?? app.clientSecret;
    if (!code) return { status: 400, type: 'text', body: 'missing challengeCode' };
    if (!UUID.test(code)) return { status: 400, type: 'text', body: 'challengeCode is not a UUID' };
    if (!secret) return { status: 403, type: 'text', body: 'not configured' };
    return {
      status: 200,
      type: 'json',
      body: { challengeCode: code, challengeResponse: hmacSha256(secret, code).toString('hex') },
    };
  },
};
