/**
 * Wix webhooks (cms.md §6.4): each delivery's body is an RS256 JWT signed with the app's key
 * pair (generated when the sandbox starts; the public half is what the app dashboard shows).
 * Its `data` claim is a JSON string `{eventType, instanceId, data, identity}` whose `data` and
 * `identity` are JSON strings again; the inner event is `{id, entityFqdn, slug, entityId,
 * eventTime, triggeredByAnonymizeRequest, createdEvent | updatedEvent | deletedEvent}`.
 * Subscriptions live on the app (dashboard), so they are set here by handle, option or control
 * endpoint rather than by API.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { SandboxWebhooks, type TrackedDelivery } from '../../../sandbox/kit/delivery-log.ts';
import type { WebhookSender } from '../../../sandbox/kit/webhook-sender.ts';
import { signJwt } from '../../kit/webhook-schemes/jwt-rs256.ts';

/** Retried for up to 48 hours (exact schedule undocumented): about 45 hours in all here. */
export const WIX_RETRY_DELAYS_MS = [60_000, 300_000, 1_800_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000];

/** Data-item names are confirmed; the blog post names follow the same pattern (unconfirmed). */
export const WIX_EVENT_TYPES = [
  'wix.data.v2.data_item_created',
  'wix.data.v2.data_item_updated',
  'wix.data.v2.data_item_deleted',
  'wix.blog.v3.post_created',
  'wix.blog.v3.post_updated',
  'wix.blog.v3.post_deleted',
] as const;

export type WixEventType = (typeof WIX_EVENT_TYPES)[number];

/** Who made the change: the app through the API, or someone in the Wix editor. */
export type WixIdentity = { identityType: 'APP'; appId: string } | { identityType: 'WIX_USER'; wixUserId: string };

export interface WixDelivery extends TrackedDelivery {
  eventType: WixEventType;
  /** The event envelope's `id`, what a connector deduplicates on. */
  eventId: string;
  url: string;
  /** The JWT sent as the body. */
  token: string;
}

export interface WixWebhooksConfig {
  instanceId: string;
  retryDelaysMs: readonly number[];
  now: () => number;
  tokenLifetimeSeconds: number;
}

const SLUG: Record<string, 'created' | 'updated' | 'deleted'> = {
  created: 'created',
  updated: 'updated',
  deleted: 'deleted',
};

export class WixWebhooks extends SandboxWebhooks<WixDelivery> {
  /** PEM (SPKI) public key a connector verifies with. */
  readonly publicKey: string;
  readonly #privateKey: string;
  readonly #kid: string;
  readonly #urls = new Map<WixEventType, string>();
  readonly #cfg: WixWebhooksConfig;
  // The JWT is the body, so there is no header to add.
  readonly #sender: WebhookSender;

  constructor(cfg: WixWebhooksConfig) {
    super();
    this.#cfg = cfg;
    const pair = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    this.publicKey = pair.publicKey;
    this.#privateKey = pair.privateKey;
    this.#kid = randomUUID();
    this.#sender = this.newSender({
      retryDelaysMs: cfg.retryDelaysMs,
      now: cfg.now,
      timeoutMs: 1_250,
      userAgent: 'Wix-Webhooks',
      sign: () => ({}),
    });
  }

  /** Points the given event types (default: all) at `url`, as configuring the app in the dashboard does. */
  subscribe(url: string, eventTypes: readonly WixEventType[] = WIX_EVENT_TYPES): void {
    for (const e of eventTypes) this.#urls.set(e, url);
  }

  unsubscribe(eventTypes: readonly WixEventType[] = WIX_EVENT_TYPES): void {
    for (const e of eventTypes) this.#urls.delete(e);
  }

  subscriptions(): { eventType: WixEventType; url: string }[] {
    return [...this.#urls].map(([eventType, url]) => ({ eventType, url }));
  }

  /** Sends one event if its type has a URL; `entity` is the object as the API renders it. */
  emit(
    eventType: WixEventType,
    entityId: string,
    entity: Record<string, unknown>,
    identity: WixIdentity,
  ): WixDelivery | undefined {
    const url = this.#urls.get(eventType);
    if (url === undefined) return undefined;
    const action = SLUG[eventType.slice(eventType.lastIndexOf('_') + 1)] ?? 'updated';
    const eventId = randomUUID();
    const event = {
      id: eventId,
      entityFqdn: eventType.slice(0, eventType.lastIndexOf('_')),
      slug: action,
      entityId,
      eventTime: new Date(this.#cfg.now()).toISOString(),
      triggeredByAnonymizeRequest: false,
      ...(action === 'created'
        ? { createdEvent: { entity } }
        : action === 'updated'
          ? { updatedEvent: { currentEntity: entity } }
          : { deletedEvent: { deletedEntity: entity } }),
    };
    const claimData = JSON.stringify({
      eventType,
      instanceId: this.#cfg.instanceId,
      data: JSON.stringify(event),
      identity: JSON.stringify(identity),
    });
    const token = signJwt(
      { rawBody: Buffer.from(claimData, 'utf8'), secret: this.#privateKey, nowMs: this.#cfg.now() },
      { kid: this.#kid, lifetimeSeconds: this.#cfg.tokenLifetimeSeconds },
    );
    const d: WixDelivery = { eventType, eventId, url, token, state: 'pending', attempts: [] };
    return this.track(d, this.#sender.send(url, token, { 'content-type': 'text/plain; charset=utf-8' }));
  }
}
