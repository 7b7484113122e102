/**
 * Ad-account webhooks the way Meta delivers them: the app subscribes (`POST /{app_id}/subscriptions`
 * with an app token, verified by a `hub.challenge` GET to the callback) and each ad account opts in
 * (`POST /act_{id}/subscribed_apps`). Events are sent in Meta's escaped-unicode JSON, signed with
 * `X-Hub-Signature-256: sha256=<hex HMAC of those exact bytes, keyed by the app secret>`.
 */
import { createHmac, randomInt } from 'node:crypto';
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import { WebhookSender, type DeliveryResult } from '../../../sandbox/kit/webhook-sender.ts';
import { sign } from '../../kit/webhook-schemes/hmac-sha256-hex.ts';
import { authenticate, params, requireScope, str, type MetaContext } from './context.ts';
import { graphError, invalidParam, unsupportedRequest } from './errors.ts';

export const AD_ACCOUNT_FIELDS = [
  'with_issues_ad_objects',
  'in_process_ad_objects',
  'ad_recommendations',
  'creative_fatigue',
  'product_set_issue',
];

/** About 36 hours in all: an immediate retry, then ever longer gaps. */
export const META_RETRY_DELAYS_MS = [
  0, 5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 28_800_000, 28_800_000,
  14_400_000,
];

export interface AppSubscription {
  object: string;
  callbackUrl: string;
  fields: string[];
  verifyToken: string;
  includeValues: boolean;
}

export interface HandshakeResult {
  ok: boolean;
  challenge: string;
  status?: number;
  body?: string;
  error?: string;
}

/** JSON with every non-ASCII UTF-16 unit as a lowercase `\uXXXX` escape, as Meta signs it. */
export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export class MetaWebhooks {
  readonly subscriptions = new Map<string, AppSubscription>();
  readonly subscribedAccounts = new Set<string>();
  readonly sender: WebhookSender;
  readonly #ctx: MetaContext;
  readonly #pending = new Set<Promise<unknown>>();

  constructor(ctx: MetaContext, retryDelaysMs: readonly number[]) {
    this.#ctx = ctx;
    this.sender = new WebhookSender({
      retryDelaysMs,
      now: () => ctx.now(),
      userAgent: 'facebookexternalua',
      sign: (body) => ({
        'x-hub-signature-256': `sha256=${sign(body, ctx.config.appSecret)}`,
        'x-hub-signature': `sha1=${createHmac('sha1', ctx.config.appSecret).update(body).digest('hex')}`,
      }),
    });
  }

  /** The GET Meta sends to a callback before accepting a subscription. */
  async verifyCallback(callbackUrl: string, verifyToken: string): Promise<HandshakeResult> {
    const challenge = String(randomInt(100_000_000, 2_000_000_000));
    const url = new URL(callbackUrl);
    url.searchParams.set('hub.mode', 'subscribe');
    url.searchParams.set('hub.challenge', challenge);
    url.searchParams.set('hub.verify_token', verifyToken);
    try {
      const res = await fetch(url, {
        signal: AbortSignal.timeout(10_000),
        headers: { 'user-agent': 'facebookplatform/1.0' },
      });
      const body = await res.text();
      return { ok: res.status === 200 && body.trim() === challenge, challenge, status: res.status, body };
    } catch (err) {
      return { ok: false, challenge, error: err instanceof Error ? err.message : String(err) };
    }
  }

  /** In-process shortcut for both setup steps: app subscription (with handshake) and account opt-in. */
  async subscribe(o: {
    callbackUrl: string;
    verifyToken: string;
    fields?: string[];
    accounts?: string[];
    includeValues?: boolean;
  }): Promise<HandshakeResult> {
    const check = await this.verifyCallback(o.callbackUrl, o.verifyToken);
    if (!check.ok) return check;
    this.subscriptions.set('ad_account', {
      object: 'ad_account',
      callbackUrl: o.callbackUrl,
      fields: o.fields ?? AD_ACCOUNT_FIELDS,
      verifyToken: o.verifyToken,
      includeValues: o.includeValues ?? true,
    });
    for (const a of o.accounts ?? this.#ctx.world.accounts.map((e) => e.accountId)) this.subscribedAccounts.add(a);
    return check;
  }

  /** Sends one ad_account change if the app and the account are subscribed to it. */
  emit(accountId: string, field: string, value: unknown): Promise<DeliveryResult> | undefined {
    const sub = this.subscriptions.get('ad_account');
    if (!sub || !sub.fields.includes(field) || !this.subscribedAccounts.has(accountId)) return undefined;
    const entry = sub.includeValues
      ? { id: accountId, time: Math.floor(this.#ctx.now() / 1000), changes: [{ field, value }] }
      : { id: accountId, time: Math.floor(this.#ctx.now() / 1000), changed_fields: [field] };
    const body = metaJson({ object: 'ad_account', entry: [entry] });
    const p = this.sender.send(sub.callbackUrl, Buffer.from(body, 'utf8'));
    this.#pending.add(p);
    void p.finally(() => this.#pending.delete(p));
    return p;
  }

  /** Resolves when every delivery started so far has finished (or given up). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  clear(): void {
    this.subscriptions.clear();
    this.subscribedAccounts.clear();
  }

  close(): void {
    this.sender.close();
  }
}

export function webhookRoutes(r: Router, ctx: MetaContext, hooks: MetaWebhooks): void {
  r.add('POST', '/:node/subscriptions', async (req) => {
    if (req.params['node'] !== ctx.config.appId) return unsupportedRequest('POST', req.params['node'] ?? '');
    const denied = appOnly(ctx, req);
    if (denied) return denied;
    const p = params(req);
    const object = str(p, 'object');
    const callbackUrl = str(p, 'callback_url');
    const verifyToken = str(p, 'verify_token') ?? '';
    if (object !== 'ad_account') return invalidParam('Param object must be one of {ad_account} in this sandbox');
    if (!callbackUrl) return invalidParam('The parameter callback_url is required');
    const fields = (str(p, 'fields') ?? '')
      .replace(/[[\]"]/g, '')
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    const unknown = fields.find((f) => !AD_ACCOUNT_FIELDS.includes(f));
    if (unknown || fields.length === 0)
      return invalidParam(`Param fields must be non-empty and one of {${AD_ACCOUNT_FIELDS.join(', ')}}`);
    const check = await hooks.verifyCallback(callbackUrl, verifyToken);
    if (!check.ok) {
      return graphError({
        message: `(#2200) callback verification failed: ${check.error ?? `HTTP ${String(check.status)}, response did not echo hub.challenge`}`,
        code: 2200,
      });
    }
    hooks.subscriptions.set(object, {
      object,
      callbackUrl,
      fields,
      verifyToken,
      includeValues: str(p, 'include_values') !== 'false',
    });
    return json(200, { success: true });
  });

  r.add('GET', '/:node/subscriptions', (req) => {
    if (req.params['node'] !== ctx.config.appId) return unsupportedRequest('GET', req.params['node'] ?? '');
    const denied = appOnly(ctx, req);
    if (denied) return denied;
    return json(200, {
      data: [...hooks.subscriptions.values()].map((s) => ({
        object: s.object,
        callback_url: s.callbackUrl,
        active: true,
        fields: s.fields.map((name) => ({ name, version: ctx.config.version })),
      })),
    });
  });

  r.add('DELETE', '/:node/subscriptions', (req) => {
    if (req.params['node'] !== ctx.config.appId) return unsupportedRequest('DELETE', req.params['node'] ?? '');
    const denied = appOnly(ctx, req);
    if (denied) return denied;
    const object = str(params(req), 'object');
    if (object) hooks.subscriptions.delete(object);
    else hooks.subscriptions.clear();
    return json(200, { success: true });
  });

  r.add(['POST', 'DELETE', 'GET'], '/:node/subscribed_apps', (req) => {
    const account = ctx.world.get(req.params['node'] ?? '');
    if (!account || account.kind !== 'account') return unsupportedRequest(req.method, req.params['node'] ?? '');
    const auth = authenticate(ctx, req);
    if (!auth.ok) return auth.res;
    const denied = requireScope(auth.caller, req.method === 'GET' ? 'read' : 'write');
    if (denied) return denied;
    if (req.method === 'GET') {
      const on = hooks.subscribedAccounts.has(account.accountId);
      return json(200, { data: on ? [{ id: ctx.config.appId, name: ctx.config.appName }] : [] });
    }
    if (req.method === 'POST') hooks.subscribedAccounts.add(account.accountId);
    else hooks.subscribedAccounts.delete(account.accountId);
    return json(200, { success: true });
  });
}

/** App subscriptions need the app access token (`{app_id}|{app_secret}`). */
function appOnly(ctx: MetaContext, req: SandboxRequest): SandboxResponse | undefined {
  const auth = authenticate(ctx, req, { allowApp: true });
  if (!auth.ok) return auth.res;
  if (auth.caller.kind !== 'app')
    return graphError({ message: '(#15) This method must be called with an app access_token.', code: 15 });
  return undefined;
}
