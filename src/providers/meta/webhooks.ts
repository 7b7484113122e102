import type { InboundEvent, WebhookAdapter } from '../contracts/webhooks.ts';

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
        out.push({ topic: `${d.object ?? 'unknown'}.${change.field ?? 'unknown'}`, ...(entry.id ? { accountRef: String(entry.id) } : {}), payload: { object: d.object, id: entry.id, time: entry.time, field: change.field, value: change.value } });
      }
    }
    return out;
  },
  // An ad object changed state or needs attention: pull the account's entities again.
  action: (e) => (e.topic.startsWith('ad_account.') ? { kind: 'sync', reason: `webhook:${e.topic}` } : { kind: 'none' }),
};
