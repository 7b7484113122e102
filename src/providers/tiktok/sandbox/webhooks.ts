/**
 * TikTok Business API webhooks (ads.md §3.7): JSON bodies `{client_key, event, create_time,
 * user_openid, content}` where `content` is itself a serialized JSON string, sent with
 * `TikTok-Signature: t=<unix seconds>,s=<hex HMAC-SHA256 of "t.body">` keyed with the app secret
 * (the Business API using the developer-webhook scheme is unconfirmed), `webhook-schema-version`
 * and `x-tt-logid`. One callback URL per app, set by handle, start option or control endpoint.
 */
import { SandboxWebhooks, type TrackedDelivery } from '../../../sandbox/kit/delivery-log.ts';
import { signedSenderOptions } from '../../../sandbox/kit/scheme-sender.ts';
import type { WebhookSender } from '../../../sandbox/kit/webhook-sender.ts';
import { scheme } from '../../kit/webhook-schemes/hmac-sha256-hex-timestamp-pairs.ts';
import { requestId } from './envelope.ts';

/** At-least-once with exponential backoff for up to 72 hours: doubling from 1 minute, about 68 hours in all. */
export const TIKTOK_RETRY_DELAYS_MS = Array.from({ length: 12 }, (_, i) => 60_000 * 2 ** i);

export interface TikTokDelivery extends TrackedDelivery {
  event: string;
  url: string;
  logId: string;
}

export interface TikTokWebhooksConfig {
  appId: string;
  secret: string;
  userOpenId: string;
  retryDelaysMs: readonly number[];
  now: () => number;
}

export class TikTokWebhooks extends SandboxWebhooks<TikTokDelivery> {
  #callbackUrl: string | undefined;
  readonly #cfg: TikTokWebhooksConfig;
  readonly #sender: WebhookSender;

  constructor(cfg: TikTokWebhooksConfig) {
    super();
    this.#cfg = cfg;
    this.#sender = this.newSender({
      ...signedSenderOptions(cfg, { scheme, secret: cfg.secret, names: { signatureHeader: 'tiktok-signature' } }),
      userAgent: 'TikTok-Webhook',
    });
  }

  get callbackUrl(): string | undefined {
    return this.#callbackUrl;
  }

  /** Registers (or with undefined, removes) the app's callback URL. */
  setCallback(url: string | undefined): void {
    this.#callbackUrl = url;
  }

  /** Sends one event; `content` is serialized into the string field the platform uses. */
  emit(event: string, content: Record<string, unknown>, userOpenId = this.#cfg.userOpenId): TikTokDelivery | undefined {
    const url = this.#callbackUrl;
    if (url === undefined) return undefined;
    const body = JSON.stringify({
      client_key: this.#cfg.appId,
      event,
      create_time: Math.floor(this.#cfg.now() / 1000),
      user_openid: userOpenId,
      content: JSON.stringify(content),
    });
    const logId = requestId(this.#cfg.now());
    const d: TikTokDelivery = { event, url, logId, state: 'pending', attempts: [] };
    return this.track(d, this.#sender.send(url, body, { 'webhook-schema-version': '1.0', 'x-tt-logid': logId }));
  }
}
