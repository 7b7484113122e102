import { drupalProvider } from './drupal/provider.ts';
import { googleAdsProvider } from './google-ads/provider.ts';
import { joomlaProvider } from './joomla/provider.ts';
import { linkedinProvider } from './linkedin/provider.ts';
import { metaProvider } from './meta/provider.ts';
import { shopifyProvider } from './shopify/provider.ts';
import { snapchatProvider } from './snapchat/provider.ts';
import { tiktokProvider } from './tiktok/provider.ts';
import { PROVIDER_IDS } from './types.ts';
import type { ProviderDefinition, ProviderId } from './types.ts';
import { webflowProvider } from './webflow/provider.ts';
import { wixProvider } from './wix/provider.ts';
import { wordpressProvider } from './wordpress/provider.ts';
import { xProvider } from './x/provider.ts';

/**
 * The only list of providers. The `satisfies` clause makes the compiler check that each entry is
 * registered under its own id and that no id is missing.
 */
export const providers: { readonly [K in ProviderId]: ProviderDefinition } = {
  meta: metaProvider,
  'google-ads': googleAdsProvider,
  tiktok: tiktokProvider,
  linkedin: linkedinProvider,
  x: xProvider,
  snapchat: snapchatProvider,
  wordpress: wordpressProvider,
  drupal: drupalProvider,
  joomla: joomlaProvider,
  shopify: shopifyProvider,
  webflow: webflowProvider,
  wix: wixProvider,
} satisfies { readonly [K in ProviderId]: ProviderDefinition & { readonly id: K } };

/** Own keys only, so `toString` or `__proto__` from a URL never resolve to something. */
export function isProviderId(id: string): id is ProviderId {
  return Object.hasOwn(providers, id);
}

export function getProvider(id: string): ProviderDefinition | undefined {
  return isProviderId(id) ? providers[id] : undefined;
}

/** Every provider in `PROVIDER_IDS` order; a fresh array each call. */
export function listProviders(): ProviderDefinition[] {
  return PROVIDER_IDS.map((id) => providers[id]);
}
