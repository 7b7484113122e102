/**
 * The REST webhook subscription resource: `GET|POST /webhooks.json`, `GET /webhooks/count.json`,
 * `GET|PUT|DELETE /webhooks/{id}.json` (routed without the version prefix and `.json`).
 * Subscribing to a topic needs the read scope of its resource; the sandbox accepts plain
 * http addresses because subscribers are on loopback.
 */
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import { authenticate, hasScope, restErrors, scopeError, shopTime, type ShopifyContext } from './context.ts';
import { SHOPIFY_TOPICS, type ShopifyTopic, type ShopifyWebhooks, type WebhookSubscription } from './webhooks.ts';

function topicScope(topic: ShopifyTopic): string | undefined {
  if (topic.startsWith('products/')) return 'read_products';
  if (topic.startsWith('articles/') || topic.startsWith('pages/')) return 'read_content';
  return undefined;
}

function isAddress(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

function fieldsOf(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map(String);
  return String(v).split(',').map((s) => s.trim()).filter(Boolean);
}

export function renderSubscription(ctx: ShopifyContext, s: WebhookSubscription): Record<string, unknown> {
  return {
    id: s.id,
    address: s.address,
    topic: s.topic,
    created_at: shopTime(ctx, s.createdAt),
    updated_at: shopTime(ctx, s.updatedAt),
    format: s.format,
    fields: s.fields,
    metafield_namespaces: [],
    api_version: s.apiVersion,
    private_metafield_namespaces: [],
  };
}

export function webhookRoutes(r: Router, ctx: ShopifyContext, hooks: ShopifyWebhooks, apiVersionOf: (req: SandboxRequest) => string): void {
  const authed = (fn: (req: SandboxRequest, scopes: (s: string) => boolean) => SandboxResponse) => (req: SandboxRequest) => {
    const auth = authenticate(ctx, req);
    return auth.ok ? fn(req, (s) => hasScope(auth.record, s)) : auth.res;
  };
  const notFound = () => restErrors(404, 'Not Found');

  r.add('GET', '/webhooks/count', authed((req) => json(200, { count: filtered(hooks, req).length })));
  r.add('GET', '/webhooks', authed((req) => {
    const limit = Math.min(250, Math.max(1, Number.parseInt(req.query['limit'] ?? '50', 10) || 50));
    const since = Number(req.query['since_id'] ?? 0);
    const rows = filtered(hooks, req).filter((s) => s.id > since).slice(0, limit);
    return json(200, { webhooks: rows.map((s) => renderSubscription(ctx, s)) });
  }));
  r.add('POST', '/webhooks', authed((req, can) => {
    const input = req.body['webhook'];
    if (!input || typeof input !== 'object' || Array.isArray(input)) return restErrors(400, { webhook: 'Required parameter missing or invalid' });
    const w = input as Record<string, unknown>;
    const topic = String(w['topic'] ?? '') as ShopifyTopic;
    if (!SHOPIFY_TOPICS.includes(topic)) return restErrors(422, { topic: [`Invalid topic specified: ${topic}. Does not exist or requires an additional scope`] });
    const scope = topicScope(topic);
    if (scope && !can(scope)) return scopeError(scope);
    if (!isAddress(w['address'])) return restErrors(422, { address: ["can't be blank", 'is invalid'] });
    if (w['format'] !== undefined && w['format'] !== 'json') return restErrors(422, { format: ['is not supported by this sandbox; use json'] });
    const address = w['address'];
    if (hooks.subscriptions().some((s) => s.topic === topic && s.address === address)) {
      return restErrors(422, { address: ['for this topic has already been taken'] });
    }
    const fields = fieldsOf(w['fields']);
    const sub = hooks.subscribe({ topic, address, apiVersion: apiVersionOf(req), ...(fields ? { fields } : {}) });
    return json(201, { webhook: renderSubscription(ctx, sub) });
  }));
  r.add('GET', '/webhooks/:id', authed((req) => {
    const sub = hooks.get(Number(req.params['id']));
    return sub ? json(200, { webhook: renderSubscription(ctx, sub) }) : notFound();
  }));
  r.add('PUT', '/webhooks/:id', authed((req) => {
    const sub = hooks.get(Number(req.params['id']));
    if (!sub) return notFound();
    const w = (req.body['webhook'] ?? {}) as Record<string, unknown>;
    if (w['address'] !== undefined) {
      if (!isAddress(w['address'])) return restErrors(422, { address: ['is invalid'] });
      sub.address = w['address'];
    }
    const fields = fieldsOf(w['fields']);
    if (fields) sub.fields = fields;
    sub.updatedAt = ctx.now();
    return json(200, { webhook: renderSubscription(ctx, sub) });
  }));
  r.add('DELETE', '/webhooks/:id', authed((req) => (hooks.unsubscribe(Number(req.params['id'])) ? json(200, {}) : notFound())));
}

function filtered(hooks: ShopifyWebhooks, req: SandboxRequest): WebhookSubscription[] {
  return hooks.subscriptions().filter((s) => (req.query['topic'] === undefined || s.topic === req.query['topic']) && (req.query['address'] === undefined || s.address === req.query['address']));
}
