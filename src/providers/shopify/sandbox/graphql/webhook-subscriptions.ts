/**
 * Webhook subscriptions on the GraphQL Admin API: `webhookSubscriptionCreate` (topic enum +
 * `uri`, or the older `callbackUrl`), `webhookSubscriptionUpdate`, `webhookSubscriptionDelete`,
 * and the `webhookSubscriptions` / `webhookSubscription` queries. A topic needs the read scope of
 * its resource; the sandbox accepts plain http URIs because subscribers are on loopback.
 */
import { SHOPIFY_TOPICS, type ShopifyTopic, type ShopifyWebhooks, type WebhookSubscription } from '../webhooks.ts';
import { gid, idOf, iso, requireScope, type GqlContext, type UserError } from './access.ts';
import { paginate, type ListArgs } from './connection.ts';

/** `PRODUCTS_UPDATE` ⇄ `products/update`. */
export const topicOf = (e: string): ShopifyTopic | undefined =>
  SHOPIFY_TOPICS.find(
    (t) =>
      t ===
      e
        .toLowerCase()
        .replace('_', '/')
        .replace(/^bulk\/operations_/, 'bulk_operations/'),
  );
export const enumOf = (t: string): string => t.toUpperCase().replace('/', '_');

function topicScope(topic: ShopifyTopic): string | undefined {
  if (topic.startsWith('products/')) return 'read_products';
  if (topic.startsWith('articles/') || topic.startsWith('pages/')) return 'read_content';
  return undefined;
}

function isUri(v: unknown): v is string {
  try {
    const u = new URL(String(v));
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

export function renderSubscription(g: GqlContext, s: WebhookSubscription): unknown {
  return {
    __typename: 'WebhookSubscription',
    id: gid('WebhookSubscription', s.id),
    topic: enumOf(s.topic),
    uri: s.address,
    format: 'JSON',
    includeFields: s.fields,
    apiVersion: { handle: s.apiVersion, displayName: s.apiVersion, supported: true },
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    legacyResourceId: String(s.id),
  };
}

type Input = {
  uri?: string | null;
  callbackUrl?: string | null;
  format?: string | null;
  includeFields?: string[] | null;
};

export function webhookRoot(
  hooks: ShopifyWebhooks,
): Record<string, (args: Record<string, unknown>, g: GqlContext) => unknown> {
  const fail = (field: string[], message: string) => ({
    webhookSubscription: null,
    userErrors: [{ field, message }] as UserError[],
  });
  return {
    webhookSubscription: (a, g) => {
      const s = hooks.get(idOf(a['id'], 'WebhookSubscription') ?? -1);
      return s ? renderSubscription(g, s) : null;
    },
    webhookSubscriptions: (a, g) => {
      const topics = (a['topics'] as string[] | undefined)?.map(topicOf);
      const subs = hooks
        .subscriptions()
        .filter((s) => (!topics || topics.includes(s.topic)) && (a['uri'] == null || s.address === a['uri']));
      const page = paginate(subs, a as ListArgs, (s) => [s.id], g.bulk);
      const nodes = page.nodes.map((s) => renderSubscription(g, s));
      return { ...page, nodes, edges: page.edges.map((e, i) => ({ cursor: e.cursor, node: nodes[i] })) };
    },
    webhookSubscriptionCreate: (a, g) => {
      const topic = topicOf(String(a['topic']));
      const input = a['webhookSubscription'] as Input;
      if (!topic) return fail(['topic'], `Topic ${String(a['topic'])} is not supported by this sandbox`);
      const scope = topicScope(topic);
      if (scope) requireScope(g, scope, 'webhookSubscriptionCreate');
      const uri = input.uri ?? input.callbackUrl;
      if (!isUri(uri)) return fail(['webhookSubscription', 'uri'], 'Address is invalid');
      if (input.format === 'XML')
        return fail(['webhookSubscription', 'format'], 'Format is not supported by this sandbox; use JSON');
      if (hooks.subscriptions().some((s) => s.topic === topic && s.address === uri))
        return fail(['webhookSubscription', 'callbackUrl'], 'Address for this topic has already been taken');
      const sub = hooks.subscribe({
        topic,
        address: uri,
        apiVersion: g.apiVersion,
        ...(input.includeFields ? { fields: input.includeFields } : {}),
      });
      return { webhookSubscription: renderSubscription(g, sub), userErrors: [] };
    },
    webhookSubscriptionUpdate: (a, g) => {
      const sub = hooks.get(idOf(a['id'], 'WebhookSubscription') ?? -1);
      if (!sub) return fail(['id'], 'Webhook subscription does not exist');
      const input = a['webhookSubscription'] as Input;
      const uri = input.uri ?? input.callbackUrl;
      if (uri != null) {
        if (!isUri(uri)) return fail(['webhookSubscription', 'uri'], 'Address is invalid');
        sub.address = uri;
      }
      if (input.includeFields) sub.fields = input.includeFields;
      sub.updatedAt = g.shop.now();
      return { webhookSubscription: renderSubscription(g, sub), userErrors: [] };
    },
    webhookSubscriptionDelete: (a) => {
      const id = idOf(a['id'], 'WebhookSubscription') ?? -1;
      return hooks.unsubscribe(id)
        ? { deletedWebhookSubscriptionId: gid('WebhookSubscription', id), userErrors: [] }
        : {
            deletedWebhookSubscriptionId: null,
            userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }],
          };
    },
  };
}
