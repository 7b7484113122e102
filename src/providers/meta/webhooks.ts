import type { InboundEvent, WebhookAdapter } from '../contracts/webhooks.ts';
import { safeEqual } from '../kit/webhook-schemes/util.ts';

/** Meta's `hub.challenge` is an integer (ads.md §1.7). */
const HUB_CHALLENGE = /^[0-9]{1,20}$/;

interface MetaDelivery {
  object?: string;
  entry?: { id?: string; time?: number; changes?: { field?: string; value?: unknown }[] }[];
}

/**
 * ads.md §1.7: `{object, entry:[{id, time, changes:[{field, value}]}]}`, up to 1,000 updates
 * in one POST and no event id: each change is one event, routed by the entry id (the ad
 * account or page).
 */
export const metaWebhooks: WebhookAdapter = {
  events(body) {
    const d = body as MetaDelivery;
    const out: InboundEvent[] = [];
    for (const entry of d.entry ?? []) {
      for (const change of entry.changes ?? []) {
        out.push({
          topic: `${d.object ?? 'unknown'}.${change.field ?? 'unknown'}`,
          ...(entry.id ? { accountRef: String(entry.id) } : {}),
          payload: { object: d.object, id: entry.id, time: entry.time, field: change.field, value: change.value },
        });
      }
    }
    return out;
  },
  // An ad object changed state or needs attention: pull the account's entities again.
  action: (e) =>
    e.topic.startsWith('ad_account.') ? { kind: 'sync', reason: `webhook:${e.topic}` } : { kind: 'none' },
  // GET hub.mode=subscribe&hub.verify_token&hub.challenge: echo the challenge when the token is
  // the configured PLEXUS_META_WEBHOOK_VERIFY_TOKEN. The echo is held to the integer format too.
  handshake(query, app) {
    const token = app.extra.webhookVerifyToken;
    const challenge = query['hub.challenge'];
    const given = query['hub.verify_token'];
    if (query['hub.mode'] !== 'subscribe' || !challenge)
      return { status: 400, type: 'text', body: 'not a subscription handshake' };
    if (!HUB_CHALLENGE.test(challenge)) return { status: 400, type: 'text', body: 'hub.challenge is not an integer' };
    if (!token || !given || !safeEqual(Buffer.from(given), Buffer.from(token)))
      return { status: 403, type: 'text', body: 'verify token mismatch' };
    return { status: 200, type: 'text', body: challenge };
  },
};
