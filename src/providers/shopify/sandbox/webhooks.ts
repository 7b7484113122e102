/**
 * Shopify webhooks (cms.md §4.4): the subscriptions (made through the GraphQL Admin API's
 * `webhookSubscriptionCreate`, see graphql/webhook-subscriptions.ts) and delivery of each
 * topic's payload to every matching subscription,
 * signed `X-Shopify-Hmac-Sha256: base64 HMAC-SHA256(raw body, app client secret)`. Each
 * delivery has its own `X-Shopify-Webhook-Id`, kept on retries; a delivery that runs out of
 * retries removes its subscription, as repeated failure does on the platform.
 */
import { randomUUID } from 'node:crypto';
import { SandboxWebhooks, type TrackedDelivery } from '../../../sandbox/kit/delivery-log.ts';
import { signedSenderOptions } from '../../../sandbox/kit/scheme-sender.ts';
import type { WebhookSender } from '../../../sandbox/kit/webhook-sender.ts';
import { scheme } from '../../kit/webhook-schemes/hmac-sha256-base64.ts';

/** 8 retries, doubling from 1 minute, the last gap sized so the schedule spans 4 hours. */
export const SHOPIFY_RETRY_DELAYS_MS = [1, 2, 4, 8, 16, 32, 64, 113].map((m) => m * 60_000);

/** Topics this sandbox emits; `articles/*` and `pages/*` follow the classic naming (unconfirmed upstream). */
export const SHOPIFY_TOPICS = [
  'products/create',
  'products/update',
  'products/delete',
  'articles/create',
  'articles/update',
  'articles/delete',
  'pages/create',
  'pages/update',
  'pages/delete',
  'app/uninstalled',
  'bulk_operations/finish',
] as const;

export type ShopifyTopic = (typeof SHOPIFY_TOPICS)[number];

export interface WebhookSubscription {
  id: number;
  topic: ShopifyTopic;
  address: string;
  format: 'json';
  /** Payload fields to keep; empty sends the whole payload. */
  fields: string[];
  apiVersion: string;
  createdAt: number;
  updatedAt: number;
}

export interface ShopifyDelivery extends TrackedDelivery {
  topic: ShopifyTopic;
  subscriptionId: number;
  webhookId: string;
  eventId: string;
  url: string;
  /** `pending` until delivered, given up, or the sandbox closed. */
}

export interface ShopifyWebhooksConfig {
  shopDomain: string;
  clientSecret: string;
  retryDelaysMs: readonly number[];
  now: () => number;
}

export class ShopifyWebhooks extends SandboxWebhooks<ShopifyDelivery> {
  readonly #subs = new Map<number, WebhookSubscription>();
  readonly #cfg: ShopifyWebhooksConfig;
  readonly #sender: WebhookSender;
  #nextId = 1_047_000_000;

  constructor(cfg: ShopifyWebhooksConfig) {
    super();
    this.#cfg = cfg;
    this.#sender = this.newSender({
      ...signedSenderOptions(cfg, {
        scheme,
        secret: cfg.clientSecret,
        names: { signatureHeader: 'X-Shopify-Hmac-Sha256' },
      }),
      timeoutMs: 5_000,
      userAgent: 'Shopify-Captain-Hook',
    });
  }

  subscribe(o: { topic: ShopifyTopic; address: string; fields?: string[]; apiVersion: string }): WebhookSubscription {
    const at = this.#cfg.now();
    const sub: WebhookSubscription = {
      id: this.#nextId++,
      topic: o.topic,
      address: o.address,
      format: 'json',
      fields: o.fields ?? [],
      apiVersion: o.apiVersion,
      createdAt: at,
      updatedAt: at,
    };
    this.#subs.set(sub.id, sub);
    return sub;
  }

  get(id: number): WebhookSubscription | undefined {
    return this.#subs.get(id);
  }

  unsubscribe(id: number): boolean {
    return this.#subs.delete(id);
  }

  subscriptions(): WebhookSubscription[] {
    return [...this.#subs.values()].sort((a, b) => a.id - b.id);
  }

  /** Sends `payload` to every subscription on `topic`; one event id shared by all of them. */
  emit(topic: ShopifyTopic, payload: Record<string, unknown>): ShopifyDelivery[] {
    const eventId = randomUUID();
    const triggeredAt = new Date(this.#cfg.now()).toISOString();
    const out: ShopifyDelivery[] = [];
    for (const sub of this.subscriptions().filter((s) => s.topic === topic)) {
      const body = sub.fields.length
        ? Object.fromEntries(Object.entries(payload).filter(([k]) => sub.fields.includes(k)))
        : payload;
      const d: ShopifyDelivery = {
        topic,
        subscriptionId: sub.id,
        webhookId: randomUUID(),
        eventId,
        url: sub.address,
        state: 'pending',
        attempts: [],
      };
      const sending = this.#sender.send(sub.address, JSON.stringify(body), {
        'X-Shopify-Topic': topic,
        'X-Shopify-Shop-Domain': this.#cfg.shopDomain,
        'X-Shopify-API-Version': sub.apiVersion,
        'X-Shopify-Webhook-Id': d.webhookId,
        'X-Shopify-Event-Id': eventId,
        'X-Shopify-Triggered-At': triggeredAt,
      });
      // A subscription whose deliveries keep failing is removed, as Shopify does.
      out.push(this.track(d, sending, () => d.state === 'failed' && this.#subs.delete(sub.id)));
    }
    return out;
  }

  /** Uninstall removes the app's subscriptions after `app/uninstalled` has gone out. */
  clear(): void {
    this.#subs.clear();
  }

  override reset(): void {
    this.#subs.clear();
    super.reset();
  }
}
