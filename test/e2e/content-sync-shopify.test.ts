import { contentSyncScenario } from '../contract/content-sync-scenario.ts';
import { shopifyFixture } from '../fixtures/cms/shopify.ts';

contentSyncScenario('Shopify', shopifyFixture);
