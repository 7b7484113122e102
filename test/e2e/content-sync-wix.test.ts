import { contentSyncScenario } from '../contract/content-sync-scenario.ts';
import { wixFixture } from '../fixtures/cms/wix.ts';

contentSyncScenario('Wix', wixFixture);
