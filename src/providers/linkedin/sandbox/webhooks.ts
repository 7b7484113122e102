/**
 * LinkedIn webhooks (ads.md §4.7). Before sending, LinkedIn validates an endpoint with a GET
 * `?challengeCode=<uuid>&applicationId=<client id>` and expects, within about 3 s, 200 JSON
 * `{challengeCode, challengeResponse}` where challengeResponse is the lowercase hex
 * HMAC-SHA256 of the challengeCode keyed with the client secret. Notifications are POSTed with
 * `X-LI-Signature` = hex HMAC-SHA256 of `hmacsha256=` + the raw body (bare hex; the encoding is
 * assumed). Lead Sync payloads are `type: LEAD_ACTION`.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { SandboxWebhooks, type TrackedDelivery } from '../../../sandbox/kit/delivery-log.ts';
import type { WebhookSender } from '../../../sandbox/kit/webhook-sender.ts';
import { scheme } from '../../kit/webhook-schemes/hmac-sha256-hex.ts';
import { text } from '../../../sandbox/kit/text.ts';

/** Every 5 minutes for 8 hours (the org social-action schedule; Lead Sync's is undocumented). */
export const LINKEDIN_RETRY_DELAYS_MS: readonly number[] = Array.from({ length: 96 }, () => 300_000);
export const SIGNED_PAYLOAD_PREFIX = 'hmacsha256=';

export interface ChallengeResult {
  ok: boolean;
  challengeCode: string;
  status?: number;
  body?: string;
  error?: string;
}

export interface LinkedInDelivery extends TrackedDelivery {
  type: string;
  /** The notification id a subscriber deduplicates on, when the payload has one. */
  notificationId: string;
  url: string;
}

export interface LeadEvent {
  sponsoredAccount: string;
  leadAction?: 'CREATED' | 'DELETED';
  formId?: string;
  creativeId?: string;
}

export class LinkedInWebhooks extends SandboxWebhooks<LinkedInDelivery> {
  #url: string | undefined;
  #validated = false;
  readonly #clientId: string;
  readonly #clientSecret: string;
  readonly #now: () => number;
  readonly #sender: WebhookSender;

  constructor(o: { clientId: string; clientSecret: string; retryDelaysMs: readonly number[]; now: () => number }) {
    super();
    this.#clientId = o.clientId;
    this.#clientSecret = o.clientSecret;
    this.#now = o.now;
    this.#sender = this.newSender({
      retryDelaysMs: o.retryDelaysMs,
      now: o.now,
      userAgent: 'LinkedIn-Webhooks',
      sign: (body) =>
        scheme.sign(
          { rawBody: body, secret: o.clientSecret, nowMs: o.now(), signedPayloadPrefix: SIGNED_PAYLOAD_PREFIX },
          { signatureHeader: 'X-LI-Signature' },
        ).headers,
    });
  }

  get url(): string | undefined {
    return this.#url;
  }

  /** Whether the current URL passed the challenge (from 202603 only validated webhooks receive leads). */
  get validated(): boolean {
    return this.#validated;
  }

  /** LinkedIn's validation GET against a subscriber, checking its answer with the client secret. */
  async verifyChallenge(callbackUrl: string): Promise<ChallengeResult> {
    const challengeCode = randomUUID();
    const url = new URL(callbackUrl);
    url.searchParams.set('challengeCode', challengeCode);
    url.searchParams.set('applicationId', this.#clientId);
    try {
      const res = await fetch(url, {
        signal: AbortSignal.timeout(3_000),
        headers: { 'user-agent': 'LinkedIn-Webhooks' },
      });
      const body = await res.text();
      return {
        ok: res.status === 200 && this.#answerMatches(body, challengeCode),
        challengeCode,
        status: res.status,
        body,
      };
    } catch (err) {
      return { ok: false, challengeCode, error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** Validates `url` with the challenge and, if it answers correctly, sends notifications there. */
  async register(url: string): Promise<ChallengeResult> {
    const check = await this.verifyChallenge(url);
    if (check.ok) {
      this.#url = url;
      this.#validated = true;
    }
    return check;
  }

  /** Sets the target without a challenge (an unvalidated webhook), or clears it. */
  setWebhookUrl(url: string | undefined): void {
    this.#url = url;
    this.#validated = false;
  }

  /** POSTs any notification payload to the webhook URL. */
  emit(payload: Record<string, unknown>): LinkedInDelivery | undefined {
    const url = this.#url;
    if (url === undefined) return undefined;
    const id = payload['notificationId'] ?? payload['leadGenFormResponse'] ?? '';
    const d: LinkedInDelivery = {
      type: text(payload['type']),
      notificationId: text(id),
      url,
      state: 'pending',
      attempts: [],
    };
    return this.track(d, this.#sender.send(url, JSON.stringify(payload)));
  }

  /** A Lead Sync notification for a new (or deleted) lead form response. */
  emitLead(e: LeadEvent): LinkedInDelivery | undefined {
    const formId = e.formId ?? '1234567';
    return this.emit({
      type: 'LEAD_ACTION',
      leadGenFormResponse: `urn:li:leadGenFormResponse:${randomUUID()}`,
      owner: { sponsoredAccount: e.sponsoredAccount },
      associatedEntity: { sponsoredCreative: `urn:li:sponsoredCreative:${e.creativeId ?? '9876543'}` },
      leadGenForm: `urn:li:versionedLeadGenForm:(urn:li:leadGenForm:${formId},1)`,
      leadType: 'SPONSORED',
      leadAction: e.leadAction ?? 'CREATED',
      occurredAt: this.#now(),
    });
  }

  #answerMatches(body: string, challengeCode: string): boolean {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return false;
    }
    if (!parsed || typeof parsed !== 'object') return false;
    const answer = (parsed as Record<string, unknown>)['challengeResponse'];
    if ((parsed as Record<string, unknown>)['challengeCode'] !== challengeCode || typeof answer !== 'string')
      return false;
    const expected = createHmac('sha256', this.#clientSecret).update(challengeCode).digest();
    const given = /^[0-9a-f]{64}$/i.test(answer) ? Buffer.from(answer, 'hex') : Buffer.alloc(0);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
