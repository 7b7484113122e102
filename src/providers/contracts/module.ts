import type { Sandbox } from '../../sandbox/kit/types.ts';
import type { AdsSyncAdapter, AdsWriteAdapter } from './ads.ts';
import type { Connector } from './connector.ts';
import type { ContentAdapter } from './content.ts';
import type { ProviderDefinition } from '../types.ts';
import type { WebhookAdapter } from './webhooks.ts';

/**
 * One platform as the rest of Plexus sees it, exported by `src/providers/<id>/index.ts`. Which
 * adapters are present must match the definition's `capabilities` (registry.test.ts checks it).
 */
export interface ProviderModule {
  definition: ProviderDefinition;
  connector: Connector;
  /** Ad platforms: entities and metrics into the unified model, and campaign writes. */
  ads?: { sync: AdsSyncAdapter; write?: AdsWriteAdapter };
  /** CMS: content publishing and polling through the unified content model. */
  content?: ContentAdapter;
  /** Platforms that push events: how a verified delivery splits into events and what each asks for. */
  webhooks?: WebhookAdapter;
  /**
   * Loads the platform's simulator. A dynamic import, so production paths that only read the
   * definition or call the platform never load sandbox code.
   */
  sandbox(): Promise<Sandbox>;
}
