import type { ContentAdapter } from '../sync/content/types.ts';
import type { ProviderId } from './types.ts';

/** CMS whose content publishes and syncs through the unified model; one line per provider. */
const adapters: Partial<Record<ProviderId, ContentAdapter>> = {};

export function contentAdapterFor(id: ProviderId): ContentAdapter | undefined {
  return adapters[id];
}
