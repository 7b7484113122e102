import { contentSyncScenario } from '../contract/content-sync-scenario.ts';
import { drupalFixture } from '../fixtures/cms/drupal.ts';

contentSyncScenario('Drupal', drupalFixture);
