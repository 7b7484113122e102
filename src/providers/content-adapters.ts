import type { ContentAdapter } from './contracts/content.ts';
import type { ProviderId } from './types.ts';
import { drupalContent } from './drupal/content.ts';
import { joomlaContent } from './joomla/content.ts';
import { shopifyContent } from './shopify/content.ts';
import { webflowContent } from './webflow/content.ts';
import { wixContent } from './wix/content.ts';
import { wordpressContent } from './wordpress/content.ts';

/** CMS whose content publishes and syncs through the unified model; one line per provider. */
const adapters: Partial<Record<ProviderId, ContentAdapter>> = {
  drupal: drupalContent,
  joomla: joomlaContent,
  shopify: shopifyContent,
  webflow: webflowContent,
  wix: wixContent,
  wordpress: wordpressContent,
};

export function contentAdapterFor(id: ProviderId): ContentAdapter | undefined {
  return adapters[id];
}
