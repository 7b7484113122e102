import type { Connector } from './contracts/connector.ts';
import { drupalConnector } from './drupal/connector.ts';
import { googleAdsConnector } from './google-ads/connector.ts';
import { joomlaConnector } from './joomla/connector.ts';
import { linkedinConnector } from './linkedin/connector.ts';
import { metaConnector } from './meta/connector.ts';
import { shopifyConnector } from './shopify/connector.ts';
import { snapchatConnector } from './snapchat/connector.ts';
import { tiktokConnector } from './tiktok/connector.ts';
import type { ProviderId } from './types.ts';
import { webflowConnector } from './webflow/connector.ts';
import { wixConnector } from './wix/connector.ts';
import { wordpressConnector } from './wordpress/connector.ts';
import { xConnector } from './x/connector.ts';

/** Each provider's behaviour beyond its definition; one line per provider, beside `registry.ts`. */
const connectors: { readonly [K in ProviderId]: Connector } = {
  meta: metaConnector,
  'google-ads': googleAdsConnector,
  tiktok: tiktokConnector,
  linkedin: linkedinConnector,
  x: xConnector,
  snapchat: snapchatConnector,
  wordpress: wordpressConnector,
  drupal: drupalConnector,
  joomla: joomlaConnector,
  shopify: shopifyConnector,
  webflow: webflowConnector,
  wix: wixConnector,
};

export function connectorFor(id: ProviderId): Connector {
  return connectors[id];
}
