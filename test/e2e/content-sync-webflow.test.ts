import { contentSyncScenario } from '../contract/content-sync-scenario.ts';
import { webflowFixture } from '../fixtures/cms/webflow.ts';

contentSyncScenario('Webflow', webflowFixture);
