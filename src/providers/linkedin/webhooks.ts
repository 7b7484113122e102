import type { WebhookAdapter } from '../contracts/webhooks.ts';

/** ads.md §4.7: Lead Sync notifications name the sponsored account that owns the lead. */
export const linkedinWebhooks: WebhookAdapter = {
  events(body) {
    const b = (body ?? {}) as { type?: string; owner?: { sponsoredAccount?: string }; leadGenFormResponse?: string; leadAction?: string; occurredAt?: number };
    const id = b.leadGenFormResponse ? `${b.leadGenFormResponse}:${b.leadAction ?? ''}:${b.occurredAt ?? ''}` : undefined;
    return [{ ...(id ? { eventId: id } : {}), topic: b.type ?? 'unknown', ...(b.owner?.sponsoredAccount ? { accountRef: b.owner.sponsoredAccount } : {}), payload: body }];
  },
  // Leads are stored as events; campaign entities have no webhooks on LinkedIn (poll).
  action: () => ({ kind: 'none' }),
};
