import type { WebhookAdapter } from '../contracts/webhooks.ts';

function parse(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/**
 * cms.md §6.4: the verified JWT's `data` claim is `{eventType, instanceId, data, identity}`
 * with `data` a JSON string holding the envelope whose `id` is the event id. Routed by the app
 * instance id.
 */
export const wixWebhooks: WebhookAdapter = {
  events(body) {
    const outer = (parse((body as { data?: unknown })?.data ?? body) ?? {}) as {
      eventType?: string;
      instanceId?: string;
      data?: unknown;
    };
    const inner = (parse(outer.data) ?? {}) as { id?: string };
    return [
      {
        ...(inner.id ? { eventId: inner.id } : {}),
        topic: outer.eventType ?? 'unknown',
        ...(outer.instanceId ? { accountRef: outer.instanceId } : {}),
        payload: { ...outer, data: inner },
      },
    ];
  },
  action(e) {
    if (e.topic === 'wix.instance.app_removed') return { kind: 'reauth', reason: 'app_removed' };
    if (e.topic.startsWith('wix.data.') || e.topic.startsWith('wix.blog.'))
      return { kind: 'sync', reason: `webhook:${e.topic}` };
    return { kind: 'none' };
  },
};
