import type { AdsSyncAdapter, AdsWriteAdapter } from './contracts/ads.ts';
import { googleAdsSync } from './google-ads/sync.ts';
import { googleAdsWrite } from './google-ads/write.ts';
import { linkedinAdsSync } from './linkedin/sync.ts';
import { linkedinAdsWrite } from './linkedin/write.ts';
import { metaAdsSync } from './meta/sync.ts';
import { tiktokAdsSync } from './tiktok/sync.ts';
import { tiktokAdsWrite } from './tiktok/write.ts';
import { metaAdsWrite } from './meta/write.ts';
import { snapchatAdsSync } from './snapchat/sync.ts';
import { snapchatAdsWrite } from './snapchat/write.ts';
import type { ProviderId } from './types.ts';
import { xAdsSync } from './x/sync.ts';
import { xAdsWrite } from './x/write.ts';

/** Ad platforms whose entities and metrics sync into the unified model; one line per provider. */
const adapters: Partial<Record<ProviderId, AdsSyncAdapter>> = {
  meta: metaAdsSync,
  'google-ads': googleAdsSync,
  tiktok: tiktokAdsSync,
  snapchat: snapchatAdsSync,
  x: xAdsSync,
  linkedin: linkedinAdsSync,
};

export function adsSyncFor(id: ProviderId): AdsSyncAdapter | undefined {
  return adapters[id];
}

/** Ad platforms whose campaigns can be written through the unified API. */
const writers: Partial<Record<ProviderId, AdsWriteAdapter>> = {
  meta: metaAdsWrite,
  'google-ads': googleAdsWrite,
  tiktok: tiktokAdsWrite,
  linkedin: linkedinAdsWrite,
  snapchat: snapchatAdsWrite,
  x: xAdsWrite,
};

export function adsWriteFor(id: ProviderId): AdsWriteAdapter | undefined {
  return writers[id];
}
