import type { AdsSyncAdapter, AdsWriteAdapter } from './contracts/ads.ts';
import type { Connector } from './contracts/connector.ts';
import type { ContentAdapter } from './contracts/content.ts';
import type { ProviderModule } from './contracts/module.ts';
import type { WebhookAdapter } from './contracts/webhooks.ts';
import { redactAlso } from '../core/redact.ts';
import type { Sandbox } from '../sandbox/kit/types.ts';
import { secretHeaders } from './kit/secret-headers.ts';
import type { ProviderDefinition } from './types.ts';
import { drupal } from './drupal/index.ts';
import { googleAds } from './google-ads/index.ts';
import { joomla } from './joomla/index.ts';
import { linkedin } from './linkedin/index.ts';
import { meta } from './meta/index.ts';
import { shopify } from './shopify/index.ts';
import { snapchat } from './snapchat/index.ts';
import { tiktok } from './tiktok/index.ts';
import { webflow } from './webflow/index.ts';
import { wix } from './wix/index.ts';
import { wordpress } from './wordpress/index.ts';
import { x } from './x/index.ts';

/**
 * The only list of providers: one entry module per platform folder. Adding a platform is its
 * folder and one line here; `ProviderId`, the definitions, the adapters and the sandboxes all
 * come from this list.
 */
const modules = [
  meta,
  googleAds,
  tiktok,
  linkedin,
  x,
  snapchat,
  wordpress,
  drupal,
  joomla,
  shopify,
  webflow,
  wix,
] as const;

export type ProviderId = (typeof modules)[number]['definition']['id'];

// Whatever process can call a platform has loaded this list, so its credential headers are
// scrubbed from logs before the first call.
redactAlso(modules.flatMap((m) => secretHeaders(m.definition)));

/** Every id in registry order, typed for `z.enum` (which needs a non-empty tuple). */
export const PROVIDER_IDS = modules.map((m) => m.definition.id) as readonly ProviderId[] as readonly [
  ProviderId,
  ...ProviderId[],
];

/** A definition whose id is known to be registered. */
export type RegisteredDefinition = ProviderDefinition & { readonly id: ProviderId };

type Registered = ProviderModule & { definition: RegisteredDefinition };

const byId = new Map<string, Registered>(modules.map((m) => [m.definition.id, m]));

/** Definitions by id. */
export const providers = Object.fromEntries(modules.map((m) => [m.definition.id, m.definition])) as unknown as {
  readonly [K in ProviderId]: ProviderDefinition & { readonly id: K };
};

/** Own keys only, so `toString` or `__proto__` from a URL never resolve to something. */
export function isProviderId(id: string): id is ProviderId {
  return byId.has(id);
}

export function getProvider(id: string): RegisteredDefinition | undefined {
  return byId.get(id)?.definition;
}

/** Every definition in registry order; a fresh array each call. */
export function listProviders(): RegisteredDefinition[] {
  return modules.map((m) => m.definition);
}

/** The entry module of one provider (its definition, connector, adapters and sandbox loader). */
export function providerModule(id: ProviderId): Registered {
  return byId.get(id)!;
}

export function connectorFor(id: ProviderId): Connector {
  return providerModule(id).connector;
}

/** Ad platforms whose entities and metrics sync into the unified model. */
export function adsSyncFor(id: ProviderId): AdsSyncAdapter | undefined {
  return providerModule(id).ads?.sync;
}

/** Ad platforms whose campaigns can be written through the unified API. */
export function adsWriteFor(id: ProviderId): AdsWriteAdapter | undefined {
  return providerModule(id).ads?.write;
}

/** CMS whose content publishes and syncs through the unified model. */
export function contentAdapterFor(id: ProviderId): ContentAdapter | undefined {
  return providerModule(id).content;
}

/** The event semantics of a provider whose definition says `webhooks.supported`. */
export function webhookAdapterFor(id: ProviderId): WebhookAdapter {
  const a = providerModule(id).webhooks;
  if (!a) throw new Error(`no webhook adapter for ${id}`);
  return a;
}

/** Providers with a simulator, in registry order (demo mode, tests, `plexus sandbox`). */
export function sandboxProviders(): ProviderId[] {
  return [...PROVIDER_IDS];
}

/** Loads a provider's simulator on demand; nothing of it is loaded until a sandbox starts. */
export async function loadSandbox(id: string): Promise<Sandbox> {
  const m = byId.get(id);
  if (!m) throw new Error(`no sandbox for provider "${id}"; known: ${PROVIDER_IDS.join(', ')}`);
  return m.sandbox();
}
