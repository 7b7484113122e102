import { contentSyncScenario } from '../contract/content-sync-scenario.ts';
import { wordpressFixture } from '../fixtures/cms/wordpress.ts';

contentSyncScenario('WordPress', wordpressFixture);
