import type { WebhookAdapter } from './contracts/webhooks.ts';
import { plexusCmsWebhooks } from './kit/plexus-cms-webhooks.ts';
import { linkedinWebhooks } from './linkedin/webhooks.ts';
import { metaWebhooks } from './meta/webhooks.ts';
import { shopifyWebhooks } from './shopify/webhooks.ts';
import { tiktokWebhooks } from './tiktok/webhooks.ts';
import type { ProviderId } from './types.ts';
import { webflowWebhooks } from './webflow/webhooks.ts';
import { wixWebhooks } from './wix/webhooks.ts';

/** Providers whose definition says `webhooks.supported`; each one's event semantics. */
const adapters: Partial<Record<ProviderId, WebhookAdapter>> = {
  meta: metaWebhooks,
  tiktok: tiktokWebhooks,
  linkedin: linkedinWebhooks,
  shopify: shopifyWebhooks,
  webflow: webflowWebhooks,
  wix: wixWebhooks,
  wordpress: plexusCmsWebhooks,
  drupal: plexusCmsWebhooks,
  joomla: plexusCmsWebhooks,
};

export function webhookAdapterFor(id: ProviderId): WebhookAdapter {
  const a = adapters[id];
  if (!a) throw new Error(`no webhook adapter for ${id}`);
  return a;
}

export function hasWebhookAdapter(id: ProviderId): boolean {
  return adapters[id] !== undefined;
}
