/**
 * Webflow webhooks (cms.md §5.4): `POST|GET /v2/sites/{site_id}/webhooks`, `GET|DELETE
 * /v2/webhooks/{id}`, and delivery of `{triggerType, payload}` bodies. Only webhooks created
 * with an OAuth app's token are signed (`x-webflow-timestamp` in ms, `x-webflow-signature` = hex
 * HMAC-SHA256 of `<timestamp>:<body>` keyed with the client secret); site-token webhooks arrive
 * unsigned, as on the platform.
 */
import { SandboxWebhooks, type TrackedDelivery } from '../../../sandbox/kit/delivery-log.ts';
import { signedSenderOptions } from '../../../sandbox/kit/scheme-sender.ts';
import type { WebhookSender } from '../../../sandbox/kit/webhook-sender.ts';
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import type { TokenRecord } from '../../../sandbox/kit/tokens.ts';
import { scheme } from '../../kit/webhook-schemes/hmac-sha256-hex-timestamped.ts';
import { hexId, renderItem, wfError, type WfItem, type WfState } from './cms.ts';
import { text } from '../../../sandbox/kit/text.ts';

/** Retries on non-2xx; Webflow documents neither count nor schedule, so this one is a guess. */
export const WEBFLOW_RETRY_DELAYS_MS = [60_000, 300_000, 1_800_000];

export const TRIGGER_TYPES = [
  'form_submission',
  'site_publish',
  'page_created',
  'page_metadata_updated',
  'page_deleted',
  'ecomm_new_order',
  'ecomm_order_changed',
  'ecomm_inventory_changed',
  'collection_item_created',
  'collection_item_changed',
  'collection_item_deleted',
  'collection_item_published',
  'collection_item_unpublished',
  'comment_created',
] as const;

export type TriggerType = (typeof TRIGGER_TYPES)[number];
export type ItemTrigger = Extract<TriggerType, `collection_item_${string}`>;

export interface WfWebhook {
  id: string;
  triggerType: TriggerType;
  url: string;
  workspaceId: string;
  siteId: string;
  filter: Record<string, unknown> | null;
  lastTriggered: number | null;
  createdOn: number;
  /** Only OAuth-app webhooks carry a signature. */
  signed: boolean;
}

export interface WebflowDelivery extends TrackedDelivery {
  triggerType: TriggerType;
  webhookId: string;
  url: string;
  signed: boolean;
}

export class WebflowWebhooks extends SandboxWebhooks<WebflowDelivery> {
  readonly #hooks = new Map<string, WfWebhook>();
  readonly #signed: WebhookSender;
  readonly #unsigned: WebhookSender;
  readonly #now: () => number;
  #seq = 0;

  constructor(o: { clientSecret: string; retryDelaysMs: readonly number[]; now: () => number }) {
    super();
    this.#now = o.now;
    const userAgent = 'Webflow-Webhook';
    const names = { signatureHeader: 'x-webflow-signature', timestampHeader: 'x-webflow-timestamp' };
    this.#signed = this.newSender({ ...signedSenderOptions(o, { scheme, secret: o.clientSecret, names }), userAgent });
    this.#unsigned = this.newSender({ retryDelaysMs: o.retryDelaysMs, now: o.now, userAgent, sign: () => ({}) });
  }

  /** In-process shortcut for `POST /v2/sites/{site_id}/webhooks`; `signed` false mimics a site-token webhook. */
  subscribe(o: {
    triggerType: TriggerType;
    url: string;
    siteId: string;
    workspaceId: string;
    signed?: boolean;
    filter?: Record<string, unknown>;
  }): WfWebhook {
    const hook: WfWebhook = {
      id: hexId('webhook', o.siteId, ++this.#seq),
      triggerType: o.triggerType,
      url: o.url,
      workspaceId: o.workspaceId,
      siteId: o.siteId,
      filter: o.filter ?? null,
      lastTriggered: null,
      createdOn: this.#now(),
      signed: o.signed ?? true,
    };
    this.#hooks.set(hook.id, hook);
    return hook;
  }

  get(id: string): WfWebhook | undefined {
    return this.#hooks.get(id);
  }

  unsubscribe(id: string): boolean {
    return this.#hooks.delete(id);
  }

  list(siteId?: string): WfWebhook[] {
    return [...this.#hooks.values()].filter((h) => siteId === undefined || h.siteId === siteId);
  }

  /** Sends `{triggerType, payload}` to every webhook of that trigger on the site. */
  emit(siteId: string, triggerType: TriggerType, payload: Record<string, unknown>): WebflowDelivery[] {
    const body = JSON.stringify({ triggerType, payload });
    const out: WebflowDelivery[] = [];
    for (const hook of this.list(siteId).filter((h) => h.triggerType === triggerType)) {
      hook.lastTriggered = this.#now();
      const d: WebflowDelivery = {
        triggerType,
        webhookId: hook.id,
        url: hook.url,
        signed: hook.signed,
        state: 'pending',
        attempts: [],
      };
      out.push(this.track(d, (hook.signed ? this.#signed : this.#unsigned).send(hook.url, body)));
    }
    return out;
  }

  /** The item events: payload is the item as the API renders it plus site, workspace and collection ids. */
  emitItem(state: WfState, trigger: ItemTrigger, item: WfItem): WebflowDelivery[] {
    const ids = { siteId: state.siteId, workspaceId: state.workspaceId, collectionId: item.collectionId };
    const payload =
      trigger === 'collection_item_deleted'
        ? { id: item.id, ...ids, cmsLocaleId: item.cmsLocaleId }
        : { ...renderItem(item), ...ids };
    return this.emit(state.siteId, trigger, payload);
  }

  override reset(): void {
    this.#hooks.clear();
    super.reset();
  }
}

export function renderWebhook(h: WfWebhook): Record<string, unknown> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: h.id,
    triggerType: h.triggerType,
    url: h.url,
    workspaceId: h.workspaceId,
    siteId: h.siteId,
    filter: h.filter,
    lastTriggered: iso(h.lastTriggered),
    createdOn: iso(h.createdOn),
  };
}

type Guard = (req: SandboxRequest, scope: string) => SandboxResponse | undefined;

export function webhookRoutes(
  r: Router,
  state: () => WfState,
  hooks: WebflowWebhooks,
  guard: Guard,
  caller: (req: SandboxRequest) => TokenRecord | undefined,
): void {
  const siteNotFound = () =>
    wfError(404, 'resource_not_found', 'Requested resource not found: The site id provided is not valid');
  const hookNotFound = () =>
    wfError(404, 'resource_not_found', 'Requested resource not found: The webhook id provided is not valid');

  r.add('POST', '/v2/sites/:site/webhooks', (req) => {
    const denied = guard(req, 'sites:write');
    if (denied) return denied;
    const s = state();
    if (req.params['site'] !== s.siteId) return siteNotFound();
    const triggerType = text(req.body['triggerType']) as TriggerType;
    const url = req.body['url'];
    const problems: { param: string; description: string }[] = [];
    if (!TRIGGER_TYPES.includes(triggerType))
      problems.push({ param: 'triggerType', description: `must be one of ${TRIGGER_TYPES.join(', ')}` });
    if (typeof url !== 'string' || !/^https?:\/\/./.test(url))
      problems.push({ param: 'url', description: 'must be a valid URL' });
    const filter = req.body['filter'];
    if (filter !== undefined && triggerType !== 'form_submission')
      problems.push({ param: 'filter', description: 'filter is only supported for form_submission' });
    if (problems.length || typeof url !== 'string')
      return wfError(400, 'validation_error', 'Validation Error', problems);
    const signed = caller(req)?.label !== 'site';
    const hook = hooks.subscribe({
      triggerType,
      url,
      siteId: s.siteId,
      workspaceId: s.workspaceId,
      signed,
      ...(filter && typeof filter === 'object' ? { filter: filter as Record<string, unknown> } : {}),
    });
    return json(200, renderWebhook(hook));
  });
  r.add('GET', '/v2/sites/:site/webhooks', (req) => {
    const denied = guard(req, 'sites:read');
    if (denied) return denied;
    if (req.params['site'] !== state().siteId) return siteNotFound();
    const all = hooks.list(state().siteId);
    return json(200, {
      webhooks: all.map(renderWebhook),
      pagination: { limit: all.length, offset: 0, total: all.length },
    });
  });
  r.add('GET', '/v2/webhooks/:id', (req) => {
    const hook = hooks.get(req.params['id'] ?? '');
    return guard(req, 'sites:read') ?? (hook ? json(200, renderWebhook(hook)) : hookNotFound());
  });
  r.add('DELETE', '/v2/webhooks/:id', (req) => {
    const denied = guard(req, 'sites:write');
    if (denied) return denied;
    return hooks.unsubscribe(req.params['id'] ?? '') ? { status: 204 } : hookNotFound();
  });
}
